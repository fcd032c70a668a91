#!/usr/bin/env node
// Generates the shipped library manifests (images/lib/*.json) and signs them with the demo keys
// (images/trust/*.private.pem, created on the first run). Run after `npm run build`:
//   node scripts/make-libs.mjs
// The output is committed; Ed25519 signatures are deterministic, so a re-run changes nothing unless a
// definition below changed. The demo private keys are committed on purpose, for class use only.

import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIB = join(ROOT, 'images', 'lib');
const TRUST = join(ROOT, 'images', 'trust');
const { signManifest } = await import(join(ROOT, 'dist', 'dl-io.js'));
const { LUA, HIREDIS, LWIP, LWIP_VARS } = await import('./lib-symbols.mjs');

mkdirSync(LIB, { recursive: true });
mkdirSync(TRUST, { recursive: true });

function ensureKey(signer) {
  const priv = join(TRUST, `${signer}.private.pem`);
  if (existsSync(priv)) return priv;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(TRUST, `${signer}.pem`), publicKey.export({ type: 'spki', format: 'pem' }));
  return priv;
}

const KEYS = { 'demo-signer': ensureKey('demo-signer'), 'demo-thirdparty': ensureKey('demo-thirdparty') };

/** Functions with a call counter each, plus read_global; variables: the counters and `extra`. */
function library({ name, version, soname, text_kb, data_kb, needs = [], fns, extra = [], signer = 'demo-signer', description }) {
  const functions = fns.map(([fn, sig]) => ({ name: fn, sig, counts: `ncalls_${fn}` }));
  functions.push({ name: 'read_global', sig: 'long(const char *)', reads: true });
  const variables = fns.map(([fn]) => ({ name: `ncalls_${fn}`, type: 'long', init: 0 })).concat(extra);
  return { name, version, soname, description, text_kb, data_kb, needs, functions, variables, signer };
}

function write(m, { tamper } = {}) {
  const file = join(LIB, `${m.name}-${m.version}.json`);
  writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
  signManifest(file, KEYS[m.signer]);
  if (tamper) {
    // Changed after signing: the .sig stays the one made for the original.
    tamper(m);
    writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
  }
}

// ---- libm: 110 math functions + read_global = 111 functions; 110 counters + signgam = 111 variables ----
const D1 = 'double(double)';
const D2 = 'double(double, double)';
const F1 = 'float(float)';
const F2 = 'float(float, float)';
const MATH = [
  ...['acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cbrt', 'ceil', 'cos', 'cosh', 'erf', 'erfc', 'exp', 'exp2', 'expm1', 'fabs', 'floor', 'j0', 'j1', 'lgamma', 'log', 'log10', 'log1p', 'log2', 'logb', 'nearbyint', 'rint', 'round', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'tgamma', 'trunc', 'y0', 'y1', 'significand', 'gamma'].map((f) => [f, D1]),
  ...['atan2', 'copysign', 'fdim', 'fmax', 'fmin', 'fmod', 'hypot', 'nextafter', 'pow', 'remainder', 'scalb', 'drem'].map((f) => [f, D2]),
  ['fma', 'double(double, double, double)'],
  ['frexp', 'double(double, int *)'],
  ['ldexp', 'double(double, int)'],
  ['modf', 'double(double, double *)'],
  ['remquo', 'double(double, double, int *)'],
  ['scalbn', 'double(double, int)'],
  ['scalbln', 'double(double, long)'],
  ['ilogb', 'int(double)'],
  ['lrint', 'long(double)'],
  ['lround', 'long(double)'],
  ['llrint', 'long long(double)'],
  ['llround', 'long long(double)'],
  ['nan', 'double(const char *)'],
  ['jn', 'double(int, double)'],
  ['yn', 'double(int, double)'],
  ['isinf', 'int(double)'],
  ['isnan', 'int(double)'],
  ['finite', 'int(double)'],
  ...['acosf', 'asinf', 'atanf', 'cbrtf', 'ceilf', 'cosf', 'coshf', 'erff', 'expf', 'exp2f', 'fabsf', 'floorf', 'lgammaf', 'logf', 'log10f', 'log2f', 'rintf', 'roundf', 'sinf', 'sinhf', 'sqrtf', 'tanf', 'tanhf', 'tgammaf', 'truncf', 'expm1f', 'log1pf', 'asinhf', 'acoshf', 'atanhf', 'erfcf'].map((f) => [f, F1]),
  ...['atan2f', 'copysignf', 'fmodf', 'hypotf', 'powf', 'fmaxf', 'fminf', 'fdimf', 'remainderf', 'nextafterf'].map((f) => [f, F2]),
];
if (MATH.length !== 110 || new Set(MATH.map(([f]) => f)).size !== 110) throw new Error(`libm needs 110 distinct math functions, has ${MATH.length}`);
const SIGNGAM = { name: 'signgam', type: 'int', init: 1 };
const libm = (version, text_kb, more = []) =>
  library({ name: 'libm', version, soname: 'libm.so.1', text_kb, data_kb: 8, fns: [...MATH, ...more], extra: [SIGNGAM], description: `newlib's math library ${version}` });

write(libm('1.16', 256));
write(libm('1.18', 272, [['exp10', D1], ['sincos', 'void(double, double *, double *)']]));
// A tampered copy: signed as 1.17, then a function was slipped in.
write(libm('1.17', 256), { tamper: (m) => m.functions.push({ name: 'backdoor', sig: 'void(void)' }) });

// ---- libz: 1.2.11 -> 1.2.13 compatible (additions); 1.2.13 -> 2.0 incompatible ----
const ZFNS = [
  ['zlibVersion', 'const char *(void)'],
  ['deflateInit_', 'int(z_streamp, int, const char *, int)'],
  ['deflate', 'int(z_streamp, int)'],
  ['deflateEnd', 'int(z_streamp)'],
  ['inflateInit_', 'int(z_streamp, const char *, int)'],
  ['inflate', 'int(z_streamp, int)'],
  ['inflateEnd', 'int(z_streamp)'],
  ['compress', 'int(Bytef *, uLongf *, const Bytef *, uLong)'],
  ['compress2', 'int(Bytef *, uLongf *, const Bytef *, uLong, int)'],
  ['uncompress', 'int(Bytef *, uLongf *, const Bytef *, uLong)'],
  ['crc32', 'uLong(uLong, const Bytef *, uInt)'],
  ['adler32', 'uLong(uLong, const Bytef *, uInt)'],
  ['gzopen', 'gzFile(const char *, const char *)'],
  ['gzread', 'int(gzFile, voidp, unsigned)'],
  ['gzwrite', 'int(gzFile, voidpc, unsigned)'],
  ['gzclose', 'int(gzFile)'],
  ['gzgetc_', 'int(gzFile)'],
];
const ZVERBOSE = { name: 'z_verbose', type: 'int', init: 0 };
const libz = (version, text_kb, fns, extra = [ZVERBOSE]) => library({ name: 'libz', version, soname: 'libz.so.1', text_kb, data_kb: 4, fns, extra, description: `zlib ${version}` });
write(libz('1.2.11', 96, ZFNS));
write(libz('1.2.13', 100, [...ZFNS, ['deflateGetDictionary', 'int(z_streamp, Bytef *, uInt *)'], ['crc32_combine', 'uLong(uLong, uLong, z_off_t)']]));
write(
  libz(
    '2.0',
    104,
    ZFNS.filter(([f]) => f !== 'gzgetc_').map(([f, s]) => (f === 'crc32' ? [f, 'uint32_t(uint32_t, const void *, size_t)'] : [f, s])),
    [{ name: 'z_verbose', type: 'long', init: 0 }],
  ),
);

// ---- a dependency tree: libssl -> libcrypto -> libz ----
write(
  library({
    name: 'libcrypto',
    version: '1.1',
    soname: 'libcrypto.so.1.1',
    text_kb: 1024,
    data_kb: 16,
    needs: ['libz >=1.2'],
    fns: [['SHA256', 'unsigned char *(const unsigned char *, size_t, unsigned char *)'], ['EVP_DigestInit', 'int(EVP_MD_CTX *, const EVP_MD *)'], ['EVP_DigestUpdate', 'int(EVP_MD_CTX *, const void *, size_t)'], ['EVP_DigestFinal', 'int(EVP_MD_CTX *, unsigned char *, unsigned int *)'], ['RAND_bytes', 'int(unsigned char *, int)'], ['AES_encrypt', 'void(const unsigned char *, unsigned char *, const AES_KEY *)'], ['AES_decrypt', 'void(const unsigned char *, unsigned char *, const AES_KEY *)']],
    description: 'OpenSSL crypto 1.1',
  }),
);
write(
  library({
    name: 'libssl',
    version: '1.1',
    soname: 'libssl.so.1.1',
    text_kb: 384,
    data_kb: 8,
    needs: ['libcrypto >=1.1 <1.2'],
    fns: [['SSL_new', 'SSL *(SSL_CTX *)'], ['SSL_connect', 'int(SSL *)'], ['SSL_accept', 'int(SSL *)'], ['SSL_read', 'int(SSL *, void *, int)'], ['SSL_write', 'int(SSL *, const void *, int)'], ['SSL_free', 'void(SSL *)']],
    description: 'OpenSSL TLS 1.1 (needs libcrypto, which needs libz)',
  }),
);

// ---- another vendor's library: valid signature, but web trusts only demo-signer ----
write(library({ name: 'libfast', version: '1.0', soname: 'libfast.so.1', text_kb: 64, data_kb: 4, fns: [['fast_memcpy', 'void *(void *, const void *, size_t)'], ['fast_hash', 'uint64_t(const void *, size_t)']], signer: 'demo-thirdparty', description: 'a third-party library, signed by another (demo) vendor' }));

// ---- the Redis appliance's own libraries, at the sizes of real builds (size(1) on Debian bookworm amd64:
// text is the read-only segment, data .data + .bss, each rounded up to whole pages). Redis on a target
// that is not Linux builds with libc's malloc (its Makefile's MALLOC=libc), so no jemalloc. Their
// exported functions are the real ones (lib-symbols.mjs); their C signatures are not recorded ('?()'):
// in the model these are linked and shared, never updated.
const exported = (names, variables = []) => ({
  functions: names.map((n) => ({ name: n, sig: '?()' })),
  variables: variables.map((n) => ({ name: n, type: '?', init: 0 })),
});
const real = ({ name, version, soname, text_kb, data_kb, names, vars, description }) => ({
  name,
  version,
  soname,
  description,
  text_kb,
  data_kb,
  needs: [],
  ...exported(names, vars),
  signer: 'demo-signer',
});
// liblua5.1.so.0.0.0: text 188541 B, data 5920 B, bss 8 B.
write(real({ name: 'liblua', version: '5.1', soname: 'liblua5.1.so.0', text_kb: 188, data_kb: 8, names: LUA, description: 'Lua 5.1.5, the interpreter Redis runs scripts in' }));
// libhiredis.so.0.14: text 59348 B, data 1432 B, bss 8 B.
write(real({ name: 'libhiredis', version: '0.14', soname: 'libhiredis.so.0.14', text_kb: 60, data_kb: 4, names: HIREDIS, description: "hiredis 0.14.1, Redis's protocol library" }));
// liblwip.so.0.0.0: text 229755 B, data 4080 B, bss 11680 B.
write(real({ name: 'liblwip', version: '2.1', soname: 'liblwip.so.0', text_kb: 228, data_kb: 16, names: LWIP, vars: LWIP_VARS, description: 'lwIP 2.1.3, the TCP/IP stack of KylinX appliances' }));

// ---- recycling: the empty domain's placeholder, and the applications built as libraries ----
const APP_MAIN = ['app_main', 'int(void)'];
write(library({ name: 'app-placeholder', version: '1.0', soname: 'app-placeholder.so', text_kb: 4, data_kb: 4, fns: [APP_MAIN], description: 'the placeholder the checkpointed empty domain waits before' }));
const app = (image, text_kb, data_kb, fns) =>
  library({ name: `app-${image}`, version: '1.0', soname: `app-${image}.so`, text_kb, data_kb, needs: ['libm >=1.16 <2'], fns: [APP_MAIN, ...fns], description: `the ${image} application built as a shared library, for create --recycle` });
write(app('web', 1536, 512, [['http_handle', 'int(struct http_request *)']]));
write(app('redis', 2048, 1024, [['redis_command', 'int(struct client *)']]));
write(app('dns', 768, 256, [['dns_query', 'int(const struct dns_msg *, struct dns_msg *)']]));

console.log(`wrote ${readFileSync(join(LIB, 'libm-1.16.json'), 'utf8').length > 0 ? 'the library manifests and signatures' : ''} to ${LIB}`);
