import type { Row, SqlValue } from "./database.ts";

/**
 * A row's columns read as the schema declares them: a value of another type is a broken store,
 * not data. (Checked by hand: zod would be most of what the store's thread loads.)
 */
export function columnsOf(row: Row, table: string) {
  const broken = (name: string, value: SqlValue | undefined) =>
    new Error(`${table} row: ${name} is ${JSON.stringify(value ?? "missing")}`);
  const text = (name: string): string => {
    const value = row[name];
    if (typeof value !== "string") throw broken(name, value);
    return value;
  };
  const int = (name: string): number => {
    const value = row[name];
    if (typeof value !== "number" || !Number.isInteger(value)) throw broken(name, value);
    return value;
  };
  return {
    text,
    int,
    textOrNull: (name: string): string | null => (row[name] === null ? null : text(name)),
    intOrNull: (name: string): number | null => (row[name] === null ? null : int(name)),
    oneOf<T extends string>(name: string, values: readonly T[]): T {
      const value = text(name);
      if (!(values as readonly string[]).includes(value)) throw broken(name, value);
      return value as T;
    },
  };
}
