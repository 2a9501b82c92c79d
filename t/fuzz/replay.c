/* Replay driver: runs LLVMFuzzerTestOneInput over each file named on the
 * command line (directories: every file inside), without libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;
	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 4096);
			if (!nb)
				abort();
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0, n = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int k = scandir(argv[i], &ents, NULL, alphasort);
			if (k < 0) {
				perror(argv[i]);
				rc = 1;
				continue;
			}
			for (int j = 0; j < k; j++) {
				if (ents[j]->d_name[0] != '.') {
					size_t l = strlen(argv[i]) + strlen(ents[j]->d_name) + 2;
					char *p = malloc(l);
					if (!p)
						abort();
					snprintf(p, l, "%s/%s", argv[i], ents[j]->d_name);
					rc |= run_file(p);
					n++;
					free(p);
				}
				free(ents[j]);
			}
			free(ents);
		} else {
			rc |= run_file(argv[i]);
			n++;
		}
	}
	fprintf(stderr, "%s: %d inputs replayed\n", argv[0], n);
	return rc;
}
