// What run's load generator sends a redis pVM (requests.ts serves it; the apps subsystem keeps which of
// its keys are settled): redis-benchmark -t set -r 1000, SETs of 1000 keys to its default 3-byte value.

/** Keys the generated SETs draw from (redis-benchmark -r 1000): a working set the engine serves fast. */
export const KEYSPACE = 1_000;

/** The value every generated SET writes (redis-benchmark's default 3 bytes). */
export const GENERATED_VALUE = 'xxx';
