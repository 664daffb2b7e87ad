/** Every field a KernelError carries, as one plain object for deepEqual. */
import type { KernelError } from '../../src/errors.js';

export function kernelErrorFields(err: KernelError): Record<string, unknown> {
  return {
    name: err.name,
    message: err.message,
    errno: err.errno,
    errnoName: err.errnoName,
    operation: err.operation,
    extackMessage: err.extackMessage,
    offset: err.offset,
    attribute: err.attribute,
    missingAttribute: err.missingAttribute,
  };
}

/**
 * The fields of the kernel's answer to deleting an endpoint id it does not have (DEL_ADDR): its
 * extack message, pointing at the address attribute. Seen on the kernel (test/kernel/library.test.ts)
 * and rebuilt from the same extack in test/unit/genl.test.ts.
 */
export const ADDRESS_NOT_FOUND: Readonly<Record<string, unknown>> = {
  name: 'KernelError',
  message: 'address not found (attribute addr) [EINVAL]',
  errno: 22,
  errnoName: 'EINVAL',
  operation: 'DEL_ADDR',
  extackMessage: 'address not found',
  offset: 20,
  attribute: 'addr',
  missingAttribute: undefined,
};
