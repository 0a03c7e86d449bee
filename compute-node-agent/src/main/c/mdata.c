/*
 * Gantry's in-zone metadata tools: mdata-get, mdata-put, mdata-delete and mdata-list in one static
 * binary, chosen by the name it is run as (argv[0]). They speak version 2 of the SmartOS metadata
 * protocol to the agent over the zone's socket, /native/.zonecontrol/metadata.sock:
 *
 *   client: NEGOTIATE V2\n                      agent: V2_OK\n
 *   client: V2 <len> <crc32> <reqid> <CODE> [base64(argument)]\n
 *   agent:  V2 <len> <crc32> <reqid> <SUCCESS|NOTFOUND|FAILURE> [base64(payload)]\n
 *
 * where <len> and <crc32> (8 hex digits) are of everything after the crc32 and its space. PUT's
 * argument is base64(key) SP base64(value). Exit codes as SmartOS's tools: 0 done, 1 key not found,
 * 2 usage or any other error.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SOCKET_PATH "/native/.zonecontrol/metadata.sock"
#define CONNECT_WAIT_MS 10000   /* the agent may be restarting and making the socket again */
#define ANSWER_WAIT_MS 30000    /* the agent waits up to 10 s for a new zone's metadata, and PUT writes to ZooKeeper */
#define MAX_LINE (4 * 1024 * 1024)

enum { EXIT_OK = 0, EXIT_NOTFOUND = 1, EXIT_ERROR = 2 };

static const char *prog = "mdata";

/* a growable byte buffer */
typedef struct {
	char *data;
	size_t len;
	size_t cap;
} buf_t;

static void die(const char *msg) {
	fprintf(stderr, "%s: %s\n", prog, msg);
	exit(EXIT_ERROR);
}

static void buf_reserve(buf_t *b, size_t more) {
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap == 0 ? 256 : b->cap;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *d = realloc(b->data, cap);
	if (d == NULL)
		die("out of memory");
	b->data = d;
	b->cap = cap;
}

static void buf_add(buf_t *b, const char *s, size_t n) {
	buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void buf_str(buf_t *b, const char *s) {
	buf_add(b, s, strlen(s));
}

static uint32_t crc_table[256];

static void crc_init(void) {
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_of(const char *s, size_t n) {
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ (unsigned char)s[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(const char *in, size_t n, buf_t *out) {
	const unsigned char *s = (const unsigned char *)in;
	char quad[4];
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = s[i] << 16;
		if (i + 1 < n)
			v |= s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		quad[0] = B64[(v >> 18) & 63];
		quad[1] = B64[(v >> 12) & 63];
		quad[2] = i + 1 < n ? B64[(v >> 6) & 63] : '=';
		quad[3] = i + 2 < n ? B64[v & 63] : '=';
		buf_add(out, quad, 4);
	}
	buf_reserve(out, 0);
}

static int b64_value(char c) {
	const char *p = c == '\0' ? NULL : strchr(B64, c);
	return p == NULL ? -1 : (int)(p - B64);
}

/* 0 on success, -1 when the text is not base64 */
static int b64_decode(const char *in, size_t n, buf_t *out) {
	if (n % 4 != 0)
		return -1;
	buf_reserve(out, 0);
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad > 0 || (v[k] = b64_value(in[i + k])) < 0) {
				return -1;
			}
		}
		char three[3] = {
			(char)((v[0] << 2) | (v[1] >> 4)),
			(char)(((v[1] & 15) << 4) | (v[2] >> 2)),
			(char)(((v[2] & 3) << 6) | v[3])};
		buf_add(out, three, 3 - pad);
	}
	return 0;
}

static long now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int connect_agent(void) {
	const char *path = getenv("MDATA_SOCKET");
	if (path == NULL)
		path = SOCKET_PATH;
	struct sockaddr_un addr;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(addr.sun_path))
		die("socket path too long");
	strcpy(addr.sun_path, path);
	long deadline = now_ms() + CONNECT_WAIT_MS;
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			die("cannot make a socket");
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
			return fd;
		int err = errno;
		close(fd);
		if (now_ms() >= deadline || (err != ENOENT && err != ECONNREFUSED && err != EAGAIN)) {
			fprintf(stderr, "%s: cannot reach the metadata service at %s: %s\n", prog, path, strerror(err));
			exit(EXIT_ERROR);
		}
		usleep(100 * 1000);
	}
}

static void send_all(int fd, const char *s, size_t n) {
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("the metadata service closed the connection");
		}
		s += w;
		n -= (size_t)w;
	}
}

/* reads one line (without its LF) into line; the connection's unread bytes stay in pending */
static void recv_line(int fd, buf_t *pending, buf_t *line, long deadline) {
	for (;;) {
		char *lf = pending->len == 0 ? NULL : memchr(pending->data, '\n', pending->len);
		if (lf != NULL) {
			size_t n = (size_t)(lf - pending->data);
			line->len = 0;
			buf_add(line, pending->data, n);
			memmove(pending->data, lf + 1, pending->len - n - 1);
			pending->len -= n + 1;
			return;
		}
		if (pending->len > MAX_LINE)
			die("the metadata service answered a line too long");
		long left = deadline - now_ms();
		if (left <= 0)
			die("no answer from the metadata service in time");
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int ready = poll(&p, 1, (int)left);
		if (ready < 0 && errno != EINTR)
			die("cannot wait for the metadata service");
		if (ready <= 0)
			continue;
		buf_reserve(pending, 65536);
		ssize_t r = recv(fd, pending->data + pending->len, 65536, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("the metadata service closed the connection");
		pending->len += (size_t)r;
	}
}

static void make_reqid(char out[9]) {
	unsigned int seed = (unsigned int)getpid() ^ (unsigned int)now_ms();
	FILE *f = fopen("/dev/urandom", "r");
	if (f != NULL) {
		if (fread(&seed, sizeof(seed), 1, f) != 1)
			seed ^= (unsigned int)time(NULL);
		fclose(f);
	}
	snprintf(out, 9, "%08x", seed);
}

typedef enum { ANSWER_SUCCESS, ANSWER_NOTFOUND, ANSWER_FAILURE } answer_t;

/*
 * Sends one request and reads its answer; payload gets the decoded answer data. Frames that do not
 * parse, or answer another request, are skipped, as mdata-client does.
 */
static answer_t execute(const char *code, const char *argument, size_t argument_len, buf_t *payload) {
	int fd = connect_agent();
	buf_t pending = {0}, line = {0}, body = {0}, frame = {0};
	long deadline = now_ms() + ANSWER_WAIT_MS;

	send_all(fd, "NEGOTIATE V2\n", 13);
	recv_line(fd, &pending, &line, deadline);
	if (line.len == 0 || strcmp(line.data, "V2_OK") != 0)
		die("the metadata service does not speak protocol version 2");

	char reqid[9];
	make_reqid(reqid);
	buf_str(&body, reqid);
	buf_str(&body, " ");
	buf_str(&body, code);
	if (argument != NULL) {
		buf_str(&body, " ");
		b64_encode(argument, argument_len, &body);
	}
	char head[64];
	snprintf(head, sizeof(head), "V2 %zu %08x ", body.len, crc32_of(body.data, body.len));
	buf_str(&frame, head);
	buf_add(&frame, body.data, body.len);
	buf_str(&frame, "\n");
	send_all(fd, frame.data, frame.len);

	for (;;) {
		recv_line(fd, &pending, &line, deadline);
		if (line.len == 0 || strncmp(line.data, "V2 ", 3) != 0) {
			if (line.len > 0 && strcmp(line.data, "invalid command") == 0)
				die("the metadata service refused the request as invalid");
			continue;
		}
		char *p = line.data + 3;
		char *end;
		unsigned long clen = strtoul(p, &end, 10);
		if (end == p || *end != ' ')
			continue;
		p = end + 1;
		unsigned long crc = strtoul(p, &end, 16);
		if (end == p || *end != ' ')
			continue;
		p = end + 1;
		size_t blen = line.len - (size_t)(p - line.data);
		if (blen != clen || crc32_of(p, blen) != (uint32_t)crc)
			continue;
		if (strncmp(p, reqid, 8) != 0 || p[8] != ' ')
			continue;
		p += 9;
		char *sp = strchr(p, ' ');
		size_t codelen = sp == NULL ? strlen(p) : (size_t)(sp - p);
		const char *data = sp == NULL ? "" : sp + 1;
		payload->len = 0;
		if (b64_decode(data, strlen(data), payload) != 0)
			die("the metadata service answered data that is not base64");
		close(fd);
		if (codelen == 7 && strncmp(p, "SUCCESS", 7) == 0)
			return ANSWER_SUCCESS;
		if (codelen == 8 && strncmp(p, "NOTFOUND", 8) == 0)
			return ANSWER_NOTFOUND;
		return ANSWER_FAILURE;
	}
}

static int failure(const char *what, const char *key, buf_t *payload) {
	if (payload->len > 0)
		fprintf(stderr, "%s: %s %s failed: %s\n", prog, what, key, payload->data);
	else
		fprintf(stderr, "%s: %s %s failed\n", prog, what, key);
	return EXIT_ERROR;
}

static void write_out(const char *s, size_t n) {
	if (n > 0 && fwrite(s, 1, n, stdout) != n)
		die("cannot write to standard output");
}

static int do_get(const char *key) {
	buf_t value = {0};
	switch (execute("GET", key, strlen(key), &value)) {
	case ANSWER_SUCCESS:
		write_out(value.data, value.len);
		write_out("\n", 1);
		return EXIT_OK;
	case ANSWER_NOTFOUND:
		fprintf(stderr, "No metadata for '%s'\n", key);
		return EXIT_NOTFOUND;
	default:
		return failure("GET", key, &value);
	}
}

static int do_list(void) {
	buf_t keys = {0};
	switch (execute("KEYS", NULL, 0, &keys)) {
	case ANSWER_SUCCESS:
		write_out(keys.data, keys.len);
		if (keys.len > 0 && keys.data[keys.len - 1] != '\n')
			write_out("\n", 1);
		return EXIT_OK;
	case ANSWER_NOTFOUND:
		return EXIT_OK;
	default:
		return failure("KEYS", "", &keys);
	}
}

static int do_put(const char *key, const char *value, size_t value_len) {
	buf_t argument = {0}, answer = {0};
	b64_encode(key, strlen(key), &argument);
	buf_str(&argument, " ");
	b64_encode(value, value_len, &argument);
	switch (execute("PUT", argument.data, argument.len, &answer)) {
	case ANSWER_SUCCESS:
		return EXIT_OK;
	default:
		return failure("PUT", key, &answer);
	}
}

static int do_delete(const char *key) {
	buf_t answer = {0};
	switch (execute("DELETE", key, strlen(key), &answer)) {
	case ANSWER_SUCCESS:
	case ANSWER_NOTFOUND:
		return EXIT_OK;
	default:
		return failure("DELETE", key, &answer);
	}
}

static void read_stdin(buf_t *out) {
	char chunk[65536];
	size_t n;
	buf_reserve(out, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		buf_add(out, chunk, n);
	if (ferror(stdin))
		die("cannot read standard input");
}

static int usage(const char *text) {
	fprintf(stderr, "Usage: %s %s\n", prog, text);
	return EXIT_ERROR;
}

int main(int argc, char **argv) {
	const char *slash = strrchr(argv[0], '/');
	prog = slash == NULL ? argv[0] : slash + 1;
	/* "mdata get KEY" works too, for a binary not installed under the four names */
	if (strcmp(prog, "mdata") == 0 && argc >= 2) {
		static char name[32];
		snprintf(name, sizeof(name), "mdata-%s", argv[1]);
		prog = name;
		argc--;
		argv++;
	}
	crc_init();
	if (strcmp(prog, "mdata-get") == 0) {
		if (argc != 2)
			return usage("<keyname>");
		return do_get(argv[1]);
	}
	if (strcmp(prog, "mdata-list") == 0) {
		if (argc != 1)
			return usage("");
		return do_list();
	}
	if (strcmp(prog, "mdata-delete") == 0) {
		if (argc != 2)
			return usage("<keyname>");
		return do_delete(argv[1]);
	}
	if (strcmp(prog, "mdata-put") == 0) {
		if (argc == 3)
			return do_put(argv[1], argv[2], strlen(argv[2]));
		if (argc == 2) {
			buf_t value = {0};
			read_stdin(&value);
			return do_put(argv[1], value.data, value.len);
		}
		return usage("<keyname> [ <value> ]   (the value is read from standard input when absent)");
	}
	fprintf(stderr, "%s: run as mdata-get, mdata-put, mdata-delete or mdata-list\n", prog);
	return EXIT_ERROR;
}
