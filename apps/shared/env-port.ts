/** A port number from the environment (0: any free port); anything else is refused by name. */
export function portFromEnv(
  env: Record<string, string | undefined>,
  variable: string,
  fallback: number,
): number {
  const value = Number(env[variable] || fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new Error(`${variable} must be a port number, got '${env[variable]}'`);
  }
  return value;
}
