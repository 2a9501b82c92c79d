/* Notes read from a file, as `jvs snapshot -F FILE` takes them. */
#ifndef JVS_NOTEFILE_H
#define JVS_NOTEFILE_H

/* Reads the note in path ("-": standard input) into *out (malloc'd), its
 * trailing newlines (and carriage returns) stripped. E_USAGE when the file
 * holds a NUL byte or, stripped, more than JVS_TEXT_MAX bytes (nothing
 * beyond a little more than that is read); E_IO when it cannot be read. */
int jvs_note_read_file(const char *path, char **out);

#endif
