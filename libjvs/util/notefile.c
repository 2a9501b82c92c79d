/* A note from a file or standard input (jvs snapshot -F). */
#include "notefile.h"
#include "error_int.h"

#include "jvs/error.h"
#include "textesc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read at most this much: a note of JVS_TEXT_MAX bytes and trailing
 * newlines to strip; a larger file is refused without reading it all. */
#define NOTE_READ_MAX (JVS_TEXT_MAX + 4096)

int jvs_note_read_file(const char *path, char **out)
{
	int stdin_ = !strcmp(path, "-");
	const char *q = stdin_ ? "" : "'", *shown = stdin_ ? "standard input" : path;
	int fd = stdin_ ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	size_t len = 0;
	*out = NULL;
	if (fd < 0)
		return jvs_error_sys("cannot open the note file '%s'", path);
	buf = malloc(NOTE_READ_MAX + 1);
	if (!buf) {
		if (!stdin_)
			close(fd);
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	}
	while (len <= NOTE_READ_MAX) {
		ssize_t n = read(fd, buf + len, NOTE_READ_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			jvs_error_sys("cannot read the note from %s%s%s", q, shown, q);
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len > JVS_TEXT_MAX) {
		jvs_error_set(JVS_E_USAGE, "the note in %s%s%s is longer than %d bytes", q, shown,
		              q, JVS_TEXT_MAX);
		jvs_error_hint("a note holds at most %d bytes; shorten it", JVS_TEXT_MAX);
		goto fail;
	}
	if (memchr(buf, '\0', len)) {
		jvs_error_set(JVS_E_USAGE, "the note in %s%s%s holds a NUL byte", q, shown, q);
		jvs_error_hint("a note is UTF-8 text");
		goto fail;
	}
	buf[len] = '\0';
	if (!stdin_)
		close(fd);
	*out = buf;
	return 0;
fail:
	free(buf);
	if (!stdin_)
		close(fd);
	return -1;
}
