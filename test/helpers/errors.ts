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
