/** A command's arguments parsed by `parse`, or its message on stderr and exit code 2 (a usage error). */
export function argsOrExit<T>(parse: (argv: string[]) => T, argv: string[]): T {
  try {
    return parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}
