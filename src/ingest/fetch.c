/* Fetching: every request of a batch runs at once on one libcurl multi
 * handle; failures that may pass (5xx, 429, timeouts, dropped
 * connections) are tried again after a growing pause. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "ingest/internal.h"

#define MAX_REDIRECTS 5
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 4000
/* How often a wait wakes up to look at the stop flag. */
#define POLL_MS 100

typedef struct xfer {
    ingest_fetch *req;
    CURL *easy;
    struct curl_slist *headers;
    long long retry_at; /* monotonic ms when pending; 0 = now */
    bool active, done, too_big;
    char curl_error[CURL_ERROR_SIZE];
} xfer;

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t
on_body(char *data, size_t size, size_t n, void *user)
{
    xfer *x = user;
    size_t len = size * n;
    if (x->req->body.len + len > x->req->max_bytes) {
        x->too_big = true;
        return 0; /* aborts the transfer */
    }
    gz_buf_put(&x->req->body, data, len);
    return len;
}

static char *
header_value(const char *line, size_t len, const char *name)
{
    size_t nlen = strlen(name);
    if (len <= nlen || strncasecmp(line, name, nlen) || line[nlen] != ':')
        return NULL;
    size_t i = nlen + 1, end = len;
    while (i < end && (line[i] == ' ' || line[i] == '\t'))
        i++;
    while (end > i && (line[end - 1] == '\r' || line[end - 1] == '\n' || line[end - 1] == ' '))
        end--;
    return gz_xstrndup(line + i, end - i);
}

static void
replace(char **slot, char *value)
{
    if (value) {
        free(*slot);
        *slot = value;
    }
}

static size_t
on_header(char *line, size_t size, size_t n, void *user)
{
    ingest_fetch *r = ((xfer *)user)->req;
    size_t len = size * n;
    /* Each response of a redirect chain starts anew. */
    if (len > 5 && !strncmp(line, "HTTP/", 5)) {
        free(r->content_type), r->content_type = NULL;
        free(r->etag_out), r->etag_out = NULL;
        free(r->last_modified_out), r->last_modified_out = NULL;
    }
    replace(&r->content_type, header_value(line, len, "Content-Type"));
    replace(&r->etag_out, header_value(line, len, "ETag"));
    replace(&r->last_modified_out, header_value(line, len, "Last-Modified"));
    return len;
}

static void
start(CURLM *multi, xfer *x)
{
    ingest_fetch *r = x->req;
    gz_buf_clear(&r->body);
    x->too_big = false;
    x->curl_error[0] = '\0';
    r->attempts++;

    CURL *e = x->easy = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->curl_error);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max_bytes);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "gazette/" GAZETTE_VERSION);

    if (!x->headers) {
        for (size_t i = 0; i < r->nheaders; i++)
            x->headers = curl_slist_append(x->headers, r->headers[i]);
        gz_buf h = GZ_BUF_INIT;
        if (r->etag) {
            gz_buf_printf(&h, "If-None-Match: %s", r->etag);
            x->headers = curl_slist_append(x->headers, h.data);
        }
        if (r->last_modified) {
            gz_buf_clear(&h);
            gz_buf_printf(&h, "If-Modified-Since: %s", r->last_modified);
            x->headers = curl_slist_append(x->headers, h.data);
        }
        gz_buf_free(&h);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
    curl_multi_add_handle(multi, e);
    x->active = true;
}

static void
stop_xfer(CURLM *multi, xfer *x)
{
    curl_multi_remove_handle(multi, x->easy);
    curl_easy_cleanup(x->easy);
    x->easy = NULL;
    x->active = false;
}

static void
finish(xfer *x)
{
    x->done = true;
    curl_slist_free_all(x->headers);
    x->headers = NULL;
}

/* Decides what a completed attempt means: done (ok or not) or retry. */
static void
completed(CURLM *multi, xfer *x, CURLcode rc)
{
    ingest_fetch *r = x->req;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
    stop_xfer(multi, x);

    bool retry = false;
    if (rc == CURLE_OK && r->status >= 200 && r->status < 300) {
        r->ok = true;
    } else if (rc == CURLE_OK && r->status == 304) {
        r->ok = r->not_modified = true;
    } else if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(r->error, sizeof r->error, "response larger than %zu bytes", r->max_bytes);
    } else if (rc == CURLE_OK) {
        snprintf(r->error, sizeof r->error, "HTTP status %ld", r->status);
        retry = r->status >= 500 || r->status == 429;
    } else {
        if (rc == CURLE_OPERATION_TIMEDOUT)
            snprintf(r->error, sizeof r->error, "timed out after %ld ms", r->timeout_ms);
        else
            snprintf(r->error, sizeof r->error, "%s",
                     x->curl_error[0] ? x->curl_error : curl_easy_strerror(rc));
        retry = rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
                rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
                rc == CURLE_PARTIAL_FILE;
    }
    if (retry && r->attempts <= r->retries) {
        long long pause = BACKOFF_FIRST_MS << (r->attempts - 1);
        x->retry_at = now_ms() + (pause < BACKOFF_MAX_MS ? pause : BACKOFF_MAX_MS);
        return;
    }
    if (!r->ok && r->attempts > 1) {
        size_t len = strlen(r->error);
        snprintf(r->error + len, sizeof r->error - len, " (%d attempts)", r->attempts);
    }
    finish(x);
}

void
ingest_fetch_run(ingest_fetch *reqs, size_t n, const volatile sig_atomic_t *stop)
{
    if (n == 0)
        return;
    pthread_once(&curl_once, curl_init);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 16L);
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 6L);
    xfer *xs = gz_xcalloc(n, sizeof *xs);
    for (size_t i = 0; i < n; i++)
        xs[i].req = &reqs[i];

    size_t left = n;
    while (left > 0) {
        long long now = now_ms(), next = now + POLL_MS;
        for (size_t i = 0; i < n; i++) {
            xfer *x = &xs[i];
            if (x->done)
                continue;
            if (stop && *stop) {
                if (x->active)
                    stop_xfer(multi, x);
                snprintf(x->req->error, sizeof x->req->error, "interrupted");
                finish(x);
            } else if (!x->active && x->retry_at <= now) {
                start(multi, x);
            } else if (!x->active && x->retry_at < next) {
                next = x->retry_at;
            }
        }
        int running;
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int queued;
        while ((msg = curl_multi_info_read(multi, &queued))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            xfer *x;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            completed(multi, x, msg->data.result);
        }
        left = 0;
        for (size_t i = 0; i < n; i++)
            left += !xs[i].done;
        if (left > 0) {
            long long wait = next - now_ms();
            curl_multi_poll(multi, NULL, 0, wait > 0 ? (int)wait : 0, NULL);
        }
    }
    free(xs);
    curl_multi_cleanup(multi);
}

void
ingest_fetch_release(ingest_fetch *f)
{
    gz_buf_free(&f->body);
    free(f->content_type);
    free(f->etag_out);
    free(f->last_modified_out);
    f->content_type = f->etag_out = f->last_modified_out = NULL;
}
