/** Interface index -> name in the namespace the records come from. */
export type InterfaceNames = ReadonlyMap<number, string>;

/** The name of interface `index`; one with no name prints as `ifN`, as ip does. */
export const interfaceName = (names: InterfaceNames, index: number): string => names.get(index) ?? `if${index}`;
