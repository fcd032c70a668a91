// The virtual clock as calendar time, for Date headers and daytime: virtual time 0 is the Unix epoch
// (1970-01-01 00:00:00 UTC), so `run 5s` makes it five seconds past. Civil dates from days since the
// epoch by Howard Hinnant's days_from_civil inverse (proleptic Gregorian), no host clock involved.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

interface Civil {
  year: number;
  month: number; // 1-12
  day: number;
  weekday: number; // 0 = Sunday
  hh: number;
  mm: number;
  ss: number;
}

export function civil(ns: number): Civil {
  const secs = Math.floor(ns / 1e9);
  const days = Math.floor(secs / 86400);
  const rem = secs - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {
    year,
    month,
    day,
    weekday: (((days + 4) % 7) + 7) % 7,
    hh: Math.floor(rem / 3600),
    mm: Math.floor((rem % 3600) / 60),
    ss: rem % 60,
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** An HTTP-date (RFC 9110 IMF-fixdate): Thu, 01 Jan 1970 00:00:05 GMT. */
export function httpDate(ns: number): string {
  const c = civil(ns);
  return `${DAYS[c.weekday]!.slice(0, 3)}, ${two(c.day)} ${MONTHS[c.month - 1]!.slice(0, 3)} ${c.year} ${two(c.hh)}:${two(c.mm)}:${two(c.ss)} GMT`;
}

/** RFC 867's suggested daytime format: Weekday, Month Day, Year HH:MM:SS-Zone. */
export function daytimeText(ns: number): string {
  const c = civil(ns);
  return `${DAYS[c.weekday]}, ${MONTHS[c.month - 1]} ${c.day}, ${c.year} ${two(c.hh)}:${two(c.mm)}:${two(c.ss)}-UTC`;
}
