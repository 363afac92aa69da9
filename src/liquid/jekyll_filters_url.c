/* Jekyll's URL filters: relative_url, absolute_url, strip_index,
 * uri_escape and cgi_escape. Jekyll joins site.url, site.baseurl and the
 * input, then has Addressable (2.8) normalize the result; the parts of
 * Addressable::URI#normalize that matter here are written out below:
 * splitting by RFC 3986's regular expression, percent-encoding per
 * component (decode, NFKC, encode what the component does not allow),
 * dot-segment removal, lowercase scheme and host, default ports dropped. */
#include <pthread.h>
#include <stdint.h>
#include <utf8proc.h>

#include "core/utf8.h"
#include "liquid/filters_internal.h"

/* ---- character classes --------------------------------------------------- */

typedef enum {
    CLASS_DEFAULT,  /* Addressable's RESERVED + UNRESERVED */
    CLASS_UNRESERVED,
    CLASS_PCHAR,    /* path segments */
    CLASS_FRAGMENT,
    CLASS_HOST,
    CLASS_QUERY,    /* query pairs: '%' stays only as "%2B" */
} uri_class;

static bool
is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* What each class allows besides letters, digits and "-._~". */
static const char *const class_extra[] = {
    [CLASS_DEFAULT] = ":/?#[]@!$&'()*+,;=",
    [CLASS_UNRESERVED] = "",
    [CLASS_PCHAR] = "!$&'()*+,;=:@",
    [CLASS_FRAGMENT] = "!$&'()*+,;=:@/?",
    [CLASS_HOST] = "!$&'()*+,;=[:]",
    [CLASS_QUERY] = "!$'()*+,=:@/?",
};

/* Bit `class` of class_bits[c]: whether the class allows byte c. Made once
 * from class_extra, because allowed() runs for every byte of every URL a
 * page links to. */
static uint8_t class_bits[256];
static pthread_once_t class_bits_once = PTHREAD_ONCE_INIT;

static void
make_class_bits(void)
{
    for (int c = 1; c < 256; c++)
        for (size_t k = 0; k < sizeof class_extra / sizeof class_extra[0]; k++)
            if (is_alnum((unsigned char)c) || strchr("-._~", c) || strchr(class_extra[k], c))
                class_bits[c] |= (uint8_t)(1u << k);
}

static bool
allowed(uri_class cls, unsigned char c)
{
    pthread_once(&class_bits_once, make_class_bits);
    return (class_bits[c] >> cls) & 1;
}

static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool
is_pct_2b(gz_str s, size_t i)
{
    return i + 2 < s.len && s.p[i + 1] == '2' && (s.p[i + 2] == 'B' || s.p[i + 2] == 'b');
}

/* Addressable::URI.normalize_component: percent-decode (a query keeps
 * "%2B" encoded), NFKC-normalize, then percent-encode every byte the class
 * does not allow. Text that is not UTF-8 is not normalized and is encoded
 * with the default class, as Addressable falls back to. */
/* Addressable::URI.unencode: %XX to its byte, except "%2B" when
 * `keep_plus` (a query's "+" stays encoded). */
static void
percent_decode(gz_buf *out, gz_str s, bool keep_plus)
{
    for (size_t i = 0; i < s.len; i++) {
        int hi, lo;
        if (s.p[i] == '%' && i + 2 < s.len && (hi = hex_digit(s.p[i + 1])) >= 0 &&
            (lo = hex_digit(s.p[i + 2])) >= 0 && !(keep_plus && hi == 2 && lo == 11)) {
            gz_buf_putc(out, (char)(hi << 4 | lo));
            i += 2;
        } else {
            gz_buf_putc(out, s.p[i]);
        }
    }
}

static void
normalize_component(gz_buf *out, gz_str comp, uri_class cls)
{
    /* ASCII the class allows, without '%', is its own normal form (nothing
     * to decode; NFKC keeps ASCII): the common case, copied as it is. */
    size_t k = 0;
    while (k < comp.len && comp.p[k] != '%' && (unsigned char)comp.p[k] < 0x80 &&
           allowed(cls, (unsigned char)comp.p[k]))
        k++;
    if (k == comp.len) {
        gz_buf_put_str(out, comp);
        return;
    }
    gz_buf raw = GZ_BUF_INIT;
    percent_decode(&raw, comp, cls == CLASS_QUERY);
    gz_str text = gz_buf_str(&raw);
    utf8proc_uint8_t *nfkc = NULL;
    if (gz_utf8_valid(text, NULL)) {
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text.p, (utf8proc_ssize_t)text.len,
                                          &nfkc, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        if (n >= 0)
            text = gz_str_n((const char *)nfkc, (size_t)n);
    } else {
        cls = CLASS_DEFAULT;
    }
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < text.len; i++) {
        unsigned char c = (unsigned char)text.p[i];
        if (cls == CLASS_QUERY && c == '%' && is_pct_2b(text, i)) {
            gz_buf_puts(out, "%2B");
            i += 2;
        } else if (allowed(cls, c)) {
            gz_buf_putc(out, (char)c);
        } else {
            gz_buf_putc(out, '%');
            gz_buf_putc(out, hex[c >> 4]);
            gz_buf_putc(out, hex[c & 15]);
        }
    }
    free(nfkc);
    gz_buf_free(&raw);
}

/* ---- dot segments (Addressable::URI.normalize_path) -------------------- */

/* Replaces, left to right and without overlaps as String#gsub! does,
 * every `pat` and a final `end_pat` by "/". Returns whether anything
 * matched. */
static bool
gsub_slash(gz_buf *path, gz_str pat, gz_str end_pat)
{
    gz_str s = gz_buf_str(path);
    gz_buf r = GZ_BUF_INIT;
    bool matched = false;
    for (size_t i = 0; i < s.len;) {
        gz_str rest = gz_str_n(s.p + i, s.len - i);
        if (gz_str_starts_with(rest, pat) || gz_str_eq(rest, end_pat)) {
            size_t n = gz_str_starts_with(rest, pat) ? pat.len : end_pat.len;
            gz_buf_putc(&r, '/');
            i += n;
            matched = true;
        } else {
            gz_buf_putc(&r, s.p[i++]);
        }
    }
    if (matched) {
        gz_buf_clear(path);
        gz_buf_put_str(path, gz_buf_str(&r));
    }
    gz_buf_free(&r);
    return matched;
}

/* Addressable's rule 2B/2C: the first "/seg/../" (or final "/seg/..")
 * names a segment; then every "/seg/../" and a final "//.." (or every
 * "//../" and a final "/seg/..") becomes "/". */
static bool
remove_parent_segment(gz_buf *path)
{
    gz_str s = gz_buf_str(path);
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] != '/')
            continue;
        size_t j = i + 1;
        while (j < s.len && s.p[j] != '/')
            j++;
        gz_str seg = gz_str_n(s.p + i, j - i); /* "/seg" */
        gz_str after = gz_str_n(s.p + j, s.len - j);
        bool mid = gz_str_starts_with(after, GZ_STR("/../"));
        if (!mid && !gz_str_eq(after, GZ_STR("/..")))
            continue;
        gz_buf pat = GZ_BUF_INIT;
        gz_buf_put_str(&pat, seg);
        gz_buf_puts(&pat, mid ? "/../" : "/..");
        if (mid)
            gsub_slash(path, gz_buf_str(&pat), GZ_STR("//.."));
        else
            gsub_slash(path, GZ_STR("//../"), gz_buf_str(&pat));
        gz_buf_free(&pat);
        return true;
    }
    return false;
}

/* A path made only of "/." and "/.." segments, perhaps with a final "/". */
static bool
only_dot_segments(gz_str s)
{
    size_t i = 0;
    while (i + 1 < s.len && s.p[i] == '/' && s.p[i + 1] == '.') {
        size_t j = i + 2 + (i + 2 < s.len && s.p[i + 2] == '.');
        if (j < s.len && s.p[j] != '/')
            return false;
        i = j;
    }
    return i > 0 && (i == s.len || (i + 1 == s.len && s.p[i] == '/'));
}

static void
drop_prefix(gz_buf *path, size_t n, const char *with)
{
    gz_buf r = GZ_BUF_INIT;
    gz_buf_puts(&r, with);
    gz_buf_put(&r, path->data + n, path->len - n);
    gz_buf_clear(path);
    gz_buf_put_str(path, gz_buf_str(&r));
    gz_buf_free(&r);
}

/* Addressable::URI.normalize_path (RFC 3986 section 5.2.4 as Addressable
 * reads it): each round applies the first of its rewrites that matches,
 * until none does. */
static void
normalize_path(gz_buf *path)
{
    /* every rewrite below needs a "/." or a leading "." */
    gz_str s0 = gz_buf_str(path);
    if (!(s0.len && s0.p[0] == '.') && !memmem(s0.p, s0.len, "/.", 2))
        return;
    for (;;) {
        gz_str s = gz_buf_str(path);
        if (gsub_slash(path, GZ_STR("/./"), GZ_STR("/.")) || remove_parent_segment(path))
            continue;
        if (gz_str_starts_with(s, GZ_STR(".."))) /* rule 2D: ^\.\.?\/? */
            drop_prefix(path, 2 + (s.len > 2 && s.p[2] == '/'), "");
        else if (gz_str_starts_with(s, GZ_STR(".")))
            drop_prefix(path, 1 + (s.len > 1 && s.p[1] == '/'), "");
        else if (gz_str_starts_with(s, GZ_STR("/./")))
            drop_prefix(path, 3, "/");
        else if (gz_str_starts_with(s, GZ_STR("/../")))
            drop_prefix(path, 4, "/");
        else if (only_dot_segments(s))
            drop_prefix(path, s.len, "/");
        else
            return;
    }
}

/* ---- URIs ------------------------------------------------------------------ */

/* The parts of RFC 3986's regular expression, which Addressable::URI.parse
 * uses: ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$ */
typedef struct uri {
    bool has_scheme, has_authority, has_query, has_fragment;
    gz_str scheme, authority, path, query, fragment;
} uri;

static size_t
span_not(gz_str s, size_t i, const char *stop)
{
    /* strchr(stop, c) for each byte, without a call per byte: the sets
     * are a few characters, and a NUL byte stops too (as with strchr) */
    for (; i < s.len; i++) {
        char c = s.p[i];
        if (!c)
            return i;
        for (const char *p = stop; *p; p++)
            if (c == *p)
                return i;
    }
    return i;
}

static void
uri_split(gz_str s, uri *u)
{
    memset(u, 0, sizeof *u);
    size_t i = span_not(s, 0, ":/?#");
    if (i > 0 && i < s.len && s.p[i] == ':') {
        u->has_scheme = true;
        u->scheme = gz_str_n(s.p, i);
        i++;
    } else {
        i = 0;
    }
    if (i + 1 < s.len && s.p[i] == '/' && s.p[i + 1] == '/') {
        size_t end = span_not(s, i + 2, "/?#");
        u->has_authority = true;
        u->authority = gz_str_n(s.p + i + 2, end - i - 2);
        i = end;
    }
    size_t end = span_not(s, i, "?#");
    u->path = gz_str_n(s.p + i, end - i);
    i = end;
    if (i < s.len && s.p[i] == '?') {
        end = span_not(s, i + 1, "#");
        u->has_query = true;
        u->query = gz_str_n(s.p + i + 1, end - i - 1);
        i = end;
    }
    if (i < s.len && s.p[i] == '#') { /* `.*` stops at a newline */
        end = span_not(s, i + 1, "\n");
        u->has_fragment = true;
        u->fragment = gz_str_n(s.p + i + 1, end - i - 1);
    }
}

/* Addressable accepts a scheme of /\A[a-z][a-z0-9.+-]*\z/i only. */
static bool
valid_scheme(gz_str s)
{
    if (!s.len || !((s.p[0] | 32) >= 'a' && (s.p[0] | 32) <= 'z'))
        return false;
    for (size_t i = 1; i < s.len; i++)
        if (!is_alnum((unsigned char)s.p[i]) && !strchr(".+-", s.p[i]))
            return false;
    return true;
}

static gz_str
strip(gz_str s)
{
    while (s.len && liq_f_is_space(s.p[0]))
        s.p++, s.len--;
    while (s.len && liq_f_is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

static int
default_port(gz_str scheme)
{
    static const struct {
        const char *scheme;
        int port;
    } ports[] = {
        { "http", 80 }, { "https", 443 }, { "ftp", 21 }, { "tftp", 69 }, { "sftp", 22 },
        { "ssh", 22 }, { "svn+ssh", 22 }, { "telnet", 23 }, { "nntp", 119 }, { "gopher", 70 },
        { "wais", 210 }, { "ldap", 389 }, { "prospero", 1525 },
    };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
        if (gz_str_eq_c(scheme, ports[i].scheme))
            return ports[i].port;
    return -1;
}

/* RFC 3492 Punycode of a label's code points (Addressable's
 * punycode_encode); false on overflow. */
static bool
punycode(gz_buf *out, const int32_t *cp, size_t n)
{
    enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700 };
    size_t basic = 0;
    for (size_t j = 0; j < n; j++)
        if (cp[j] < 0x80) {
            gz_buf_putc(out, (char)cp[j]);
            basic++;
        }
    if (basic)
        gz_buf_putc(out, '-');
    uint32_t next = 128, delta = 0, bias = 72;
    for (size_t h = basic; h < n;) {
        uint32_t m = UINT32_MAX;
        for (size_t j = 0; j < n; j++)
            if ((uint32_t)cp[j] >= next && (uint32_t)cp[j] < m)
                m = (uint32_t)cp[j];
        if (m - next > (UINT32_MAX - delta) / (h + 1))
            return false;
        delta += (m - next) * (uint32_t)(h + 1);
        next = m;
        for (size_t j = 0; j < n; j++) {
            if ((uint32_t)cp[j] < next && ++delta == 0)
                return false;
            if ((uint32_t)cp[j] != next)
                continue;
            uint32_t q = delta;
            for (uint32_t k = BASE;; k += BASE) {
                uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
                if (q < t)
                    break;
                uint32_t d = t + (q - t) % (BASE - t);
                gz_buf_putc(out, (char)(d < 26 ? 'a' + d : '0' + d - 26));
                q = (q - t) / (BASE - t);
            }
            gz_buf_putc(out, (char)(q < 26 ? 'a' + q : '0' + q - 26));
            /* adapt the bias */
            uint32_t d = h == basic ? delta / DAMP : delta / 2;
            d += d / (uint32_t)(h + 1);
            uint32_t k = 0;
            while (d > ((BASE - TMIN) * TMAX) / 2) {
                d /= BASE - TMIN;
                k += BASE;
            }
            bias = k + (BASE - TMIN + 1) * d / (d + SKEW);
            delta = 0;
            h++;
        }
        delta++;
        next++;
    }
    return true;
}

/* Addressable's IDNA.to_ascii: each label with non-ASCII characters
 * becomes "xn--" + the Punycode of its NFKC form. Text that is not UTF-8
 * (or has control characters Addressable refuses) stays as it is; as in
 * Ruby's split('.'), empty labels at the end disappear. */
static void
idna_to_ascii(gz_buf *out, gz_str host)
{
    bool multibyte = false, ok = gz_utf8_valid(host, NULL);
    for (size_t i = 0; ok && i < host.len; i++) {
        unsigned char c = (unsigned char)host.p[i];
        multibyte |= c >= 0x80;
        ok = c >= 0x80 || c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f);
    }
    if (!ok || !multibyte) {
        gz_buf_put_str(out, host);
        return;
    }
    size_t end = host.len;
    while (end && host.p[end - 1] == '.')
        end--;
    for (size_t start = 0, i = 0; i <= end; i++) {
        if (i < end && host.p[i] != '.')
            continue;
        gz_str label = gz_str_n(host.p + start, i - start);
        if (start)
            gz_buf_putc(out, '.');
        utf8proc_uint8_t *nfkc = NULL;
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)label.p, (utf8proc_ssize_t)label.len,
                                          &nfkc, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        bool ascii = true;
        for (size_t k = 0; k < label.len; k++)
            ascii &= (unsigned char)label.p[k] < 0x80;
        size_t mark = out->len;
        if (!ascii && n >= 0) {
            int32_t *cp = malloc(((size_t)n + 1) * sizeof *cp);
            size_t ncp = 0;
            for (utf8proc_ssize_t k = 0; k < n;)
                k += (utf8proc_ssize_t)gz_utf8_decode((const char *)nfkc + k, (size_t)(n - k), &cp[ncp++]);
            gz_buf_puts(out, "xn--");
            if (!punycode(out, cp, ncp)) {
                gz_buf_truncate(out, mark);
                gz_buf_put_str(out, label);
            }
            free(cp);
        } else {
            gz_buf_put_str(out, label);
        }
        free(nfkc);
        start = i + 1;
    }
}

/* Addressable's check of the host as written: none of <>{}/\?#@" or
 * whitespace (Unicode's too). */
static bool
valid_host(gz_str host)
{
    for (size_t i = 0; i < host.len;) {
        int32_t c;
        i += gz_utf8_decode(host.p + i, host.len - i, &c);
        if ((c < 0x80 && strchr("<>{}/\\?#@\" \t\n\v\f\r", (char)c) && c) ||
            (c >= 0x80 && utf8proc_category(c) >= UTF8PROC_CATEGORY_ZS &&
             utf8proc_category(c) <= UTF8PROC_CATEGORY_ZP) || c == 0x85)
            return false;
    }
    return true;
}

/* The authority, normalized: user and password encoded as unreserved
 * (dropped when empty under http(s)), the host lowercased and encoded, a
 * default port dropped. Returns false for a port that is not a number. */
static bool
put_authority(gz_buf *out, gz_str auth, gz_str scheme)
{
    /* userinfo: up to the last '@' (no brackets before it) */
    gz_str userinfo = { NULL, 0 }, hostport = auth;
    for (size_t i = auth.len; i-- > 0;) {
        if (auth.p[i] == '@' && !memchr(auth.p, '[', i) && !memchr(auth.p, ']', i)) {
            userinfo = gz_str_n(auth.p, i);
            hostport = gz_str_n(auth.p + i + 1, auth.len - i - 1);
            break;
        }
    }
    /* port: after the last ':' when no ':', '@', '[' or ']' follows it */
    gz_str host = hostport, port = { NULL, 0 };
    for (size_t i = hostport.len; i-- > 0;) {
        char c = hostport.p[i];
        if (c == ':') {
            host = gz_str_n(hostport.p, i);
            port = gz_str_n(hostport.p + i + 1, hostport.len - i - 1);
            break;
        }
        if (c == '@' || c == '[' || c == ']')
            break;
    }
    long port_no = 0;
    for (size_t i = 0; i < port.len; i++) {
        if (port.p[i] < '0' || port.p[i] > '9')
            return false;
        if (port_no < 100000000)
            port_no = port_no * 10 + (port.p[i] - '0');
    }
    bool web = gz_str_eq_c(scheme, "http") || gz_str_eq_c(scheme, "https");
    if (userinfo.p) {
        gz_str u = strip(userinfo), user = u, password = { NULL, 0 };
        const char *colon = memchr(u.p, ':', u.len);
        if (colon) {
            user = gz_str_n(u.p, (size_t)(colon - u.p));
            password = gz_str_n(colon + 1, u.len - user.len - 1);
        }
        bool empty = !strip(user).len && !strip(password).len;
        if (!(web && empty)) {
            normalize_component(out, strip(user), CLASS_UNRESERVED);
            if (password.p) {
                gz_buf_putc(out, ':');
                normalize_component(out, strip(password), CLASS_UNRESERVED);
            }
            gz_buf_putc(out, '@');
        }
    }
    if (!valid_host(host))
        return false;
    /* downcase, decode, IDNA, drop a final dot, encode */
    gz_buf lower = GZ_BUF_INIT, raw = GZ_BUF_INIT, ace = GZ_BUF_INIT;
    gz_utf8_downcase(&lower, strip(host));
    percent_decode(&raw, gz_buf_str(&lower), false);
    idna_to_ascii(&ace, gz_buf_str(&raw));
    gz_str h = gz_buf_str(&ace);
    if (h.len > 1 && h.p[h.len - 1] == '.' && h.p[h.len - 2] != '.')
        h.len--;
    normalize_component(out, h, CLASS_HOST);
    gz_buf_free(&lower);
    gz_buf_free(&raw);
    gz_buf_free(&ace);
    if (port_no && port_no != default_port(scheme))
        gz_buf_printf(out, ":%ld", port_no);
    return true;
}

/* An absolute path of characters Addressable leaves as they are, with no
 * dot segment and no "//": its own normal form. Most pages' URLs are. */
static bool
plain_path(gz_str s)
{
    if (!s.len || s.p[0] != '/' || (s.len > 1 && s.p[1] == '/'))
        return false;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        /* ':' is allowed, but normalization may change it */
        if (c == '/' ? i + 1 < s.len && s.p[i + 1] == '.' : c == ':' || !allowed(CLASS_PCHAR, c))
            return false;
    }
    return true;
}

/* Addressable::URI.parse(s).normalize.to_s. Returns false where Addressable
 * raises InvalidURIError (a bad scheme or port). */
static bool
uri_normalize(gz_buf *out, gz_str s)
{
    if (plain_path(s)) {
        gz_buf_put_str(out, s);
        return true;
    }
    uri u;
    uri_split(s, &u);
    gz_buf scheme = GZ_BUF_INIT;
    bool ok = true;
    if (u.has_scheme) {
        gz_str sch = strip(u.scheme);
        if (!valid_scheme(u.scheme)) {
            ok = false;
            goto done;
        }
        for (size_t i = 0; i < sch.len; i++)
            gz_buf_putc(&scheme, (char)((sch.p[i] >= 'A' && sch.p[i] <= 'Z') ? sch.p[i] + 32 : sch.p[i]));
        gz_buf_put_str(out, gz_buf_str(&scheme));
        gz_buf_putc(out, ':');
    }
    /* "http://" and the like: Addressable wants a host or a path */
    if (default_port(gz_buf_str(&scheme)) >= 0 && !strip(u.authority).len && !u.path.len) {
        ok = false;
        goto done;
    }
    if (u.has_authority) {
        gz_buf_puts(out, "//");
        if (!(ok = put_authority(out, u.authority, gz_buf_str(&scheme))))
            goto done;
    }
    /* the path, segment by segment; a relative path's first ':' would read
     * as a scheme, so Addressable encodes it */
    gz_buf path = GZ_BUF_INIT, seg = GZ_BUF_INIT;
    gz_str p = strip(u.path);
    size_t colon_at = SIZE_MAX;
    if (!u.has_scheme && p.len && p.p[0] != '/') {
        size_t first = span_not(p, 0, "/:");
        if (first < p.len && p.p[first] == ':')
            colon_at = first;
    }
    for (size_t i = 0, start = 0; i <= p.len; i++) {
        if (i < p.len && p.p[i] != '/')
            continue;
        gz_buf_clear(&seg);
        for (size_t k = start; k < i; k++) {
            if (k == colon_at)
                gz_buf_puts(&seg, "%2F");
            else
                gz_buf_putc(&seg, p.p[k]);
        }
        normalize_component(&path, gz_buf_str(&seg), CLASS_PCHAR);
        if (i < p.len)
            gz_buf_putc(&path, '/');
        start = i + 1;
    }
    normalize_path(&path);
    gz_str sch = gz_buf_str(&scheme);
    if (!path.len && (gz_str_eq_c(sch, "http") || gz_str_eq_c(sch, "https") ||
                      gz_str_eq_c(sch, "ftp") || gz_str_eq_c(sch, "tftp")))
        gz_buf_putc(&path, '/');
    if (u.has_authority && path.len && path.data[0] != '/')
        gz_buf_putc(out, '/');
    gz_buf_put_str(out, gz_buf_str(&path));
    gz_buf_free(&path);
    gz_buf_free(&seg);
    if (u.has_query) { /* pair by pair; an empty query disappears */
        gz_buf q = GZ_BUF_INIT;
        for (size_t i = 0, start = 0; i <= u.query.len; i++) {
            if (i < u.query.len && u.query.p[i] != '&')
                continue;
            if (start)
                gz_buf_putc(&q, '&');
            normalize_component(&q, gz_str_n(u.query.p + start, i - start), CLASS_QUERY);
            start = i + 1;
        }
        if (q.len) {
            gz_buf_putc(out, '?');
            gz_buf_put_str(out, gz_buf_str(&q));
        }
        gz_buf_free(&q);
    }
    if (u.has_fragment) {
        size_t mark = out->len;
        gz_buf_putc(out, '#');
        normalize_component(out, u.fragment, CLASS_FRAGMENT);
        if (out->len == mark + 1) /* an empty fragment disappears */
            gz_buf_truncate(out, mark);
    }
done:
    gz_buf_free(&scheme);
    return ok;
}

/* Addressable::URI.parse(s).absolute?: it has a scheme (false when the
 * scheme is malformed, where parsing raises). */
static bool
uri_absolute(gz_str s, bool *valid)
{
    /* uri_split's scheme, without splitting the rest */
    size_t i = span_not(s, 0, ":/?#");
    bool has_scheme = i > 0 && i < s.len && s.p[i] == ':';
    *valid = !has_scheme || valid_scheme(gz_str_n(s.p, i));
    return has_scheme;
}

/* ---- the filters ----------------------------------------------------------- */

/* `input = input.url if input.respond_to?(:url)`: documents and pages. */
static gz_value
url_of(liq_ctx *ctx, gz_value input)
{
    gz_value url;
    if (input.type == GZ_DROP && input.u.d->cls->get &&
        input.u.d->cls->get(input.u.d, GZ_STR("url"), &url, liq_ctx_env(ctx)))
        return url;
    return input;
}

static void
put_with_leading_slash(gz_buf *b, gz_str s)
{
    if (s.len && s.p[0] != '/')
        gz_buf_putc(b, '/');
    gz_buf_put_str(b, s);
}

/* Jekyll's compute_relative_url: absolute URLs as they are, else
 * "/baseurl" (without its final '/') + "/input", normalized. */
static bool
relative_url(liq_ctx *ctx, gz_value input, gz_value *out)
{
    input = url_of(ctx, input);
    gz_str s = liq_f_to_s(ctx, input);
    bool valid;
    if (uri_absolute(s, &valid) || !valid) {
        *out = input;
        return valid || liq_filter_error(ctx, "internal");
    }
    const liq_site_hooks *site = liq_ctx_site(ctx);
    gz_str base = site ? site->baseurl : gz_str_n("", 0);
    if (base.len && base.p[base.len - 1] == '/')
        base.len--;
    gz_buf joined = GZ_BUF_INIT, b = GZ_BUF_INIT;
    put_with_leading_slash(&joined, base);
    put_with_leading_slash(&joined, s);
    bool ok = uri_normalize(&b, gz_buf_str(&joined));
    gz_buf_free(&joined);
    if (!ok) {
        gz_buf_free(&b);
        return liq_filter_error(ctx, "internal");
    }
    *out = liq_f_take(ctx, &b);
    return true;
}

LIQ_FILTER(relative_url)
{
    (void)args, (void)nargs, (void)kwargs;
    if (input.type == GZ_NIL) {
        *out = gz_nil();
        return true;
    }
    return relative_url(ctx, input, out);
}

LIQ_FILTER(absolute_url)
{
    (void)args, (void)nargs, (void)kwargs;
    if (input.type == GZ_NIL) {
        *out = gz_nil();
        return true;
    }
    input = url_of(ctx, input);
    bool valid;
    if (uri_absolute(liq_f_to_s(ctx, input), &valid) || !valid) {
        *out = input;
        return valid || liq_filter_error(ctx, "internal");
    }
    const liq_site_hooks *site = liq_ctx_site(ctx);
    gz_value rel;
    if (!relative_url(ctx, input, &rel))
        return false;
    if (!site || !site->url.len) {
        *out = rel;
        return true;
    }
    gz_buf joined = GZ_BUF_INIT, b = GZ_BUF_INIT;
    gz_buf_put_str(&joined, site->url);
    gz_buf_put_str(&joined, liq_f_to_s(ctx, rel));
    bool ok = uri_normalize(&b, gz_buf_str(&joined));
    gz_buf_free(&joined);
    if (!ok) {
        gz_buf_free(&b);
        return liq_filter_error(ctx, "internal");
    }
    *out = liq_f_take(ctx, &b);
    return true;
}

/* input.sub(%r!/index\.html?$!, "/"): the first such suffix of a line. */
LIQ_FILTER(strip_index)
{
    (void)args, (void)nargs, (void)kwargs;
    if (input.type == GZ_NIL || (input.type == GZ_STRING && input.len == 0)) {
        *out = gz_nil();
        return true;
    }
    if (input.type != GZ_STRING)
        return liq_filter_error(ctx, "internal");
    gz_str s = gz_value_str(input);
    for (size_t i = 0; i < s.len; i++) {
        gz_str rest = gz_str_n(s.p + i, s.len - i);
        size_t n = gz_str_starts_with(rest, GZ_STR("/index.html")) ? 11
                   : gz_str_starts_with(rest, GZ_STR("/index.htm")) ? 10 : 0;
        if (!n || (i + n < s.len && s.p[i + n] != '\n'))
            continue;
        gz_buf b = GZ_BUF_INIT;
        gz_buf_put(&b, s.p, i);
        gz_buf_putc(&b, '/');
        gz_buf_put(&b, s.p + i + n, s.len - i - n);
        *out = liq_f_take(ctx, &b);
        return true;
    }
    *out = input;
    return true;
}

/* Addressable::URI.normalize_component(input): strings only. */
LIQ_FILTER(uri_escape)
{
    (void)args, (void)nargs, (void)kwargs;
    if (input.type == GZ_NIL) {
        *out = gz_nil();
        return true;
    }
    if (input.type != GZ_STRING)
        return liq_filter_error(ctx, "internal");
    gz_buf b = GZ_BUF_INIT;
    normalize_component(&b, gz_value_str(input), CLASS_DEFAULT);
    *out = liq_f_take(ctx, &b);
    return true;
}

/* CGI.escape(input): the same as url_encode, for strings only. */
LIQ_FILTER(cgi_escape)
{
    if (input.type != GZ_STRING)
        return liq_filter_error(ctx, "internal");
    return liq_filter_url_encode(ctx, input, args, nargs, kwargs, out);
}
