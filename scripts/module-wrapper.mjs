// The bundles are written already wrapped as a CommonJS module function, so that bin/mptcpctl
// and the single executable's main script compile the file's text as it is: wrapping it at every
// start made V8 copy the whole source once more (flattening the joined string).
// Run directly (`node dist/mptcpctl.cjs`), the file calls the function itself; compiled as a
// script (vm.Script), where `module` is undefined, its value is the function.
export const moduleWrapper = {
  banner: {
    js: "((main) => typeof module === 'object' ? main(exports, require, module, __filename, __dirname) : main)(function (exports, require, module, __filename, __dirname) {",
  },
  footer: { js: '})' },
};
