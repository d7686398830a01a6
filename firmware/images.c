/* Lookup in the generated table of embedded task images. */
#include "firmware/images.h"

#include "platform/errno.h"

extern const struct task_image task_images[];
extern const uint64_t task_images_count;

int images_count(void)
{
	return (int)task_images_count;
}

const struct task_image *image_get(int i)
{
	return &task_images[i];
}

static const char *basename(const char *path)
{
	const char *base = path;

	for (; *path; path++)
		if (*path == '/')
			base = path + 1;
	return base;
}

int image_find(const char *name)
{
	const char *want = basename(name);

	for (int i = 0; i < images_count(); i++) {
		const char *a = task_images[i].name, *b = want;

		while (*a && *a == *b) {
			a++;
			b++;
		}
		/* "hello" also names "hello.elf" */
		if (*b == '\0' && (*a == '\0' || (a[0] == '.' && a[1] == 'e' && a[2] == 'l' &&
						  a[3] == 'f' && a[4] == '\0')))
			return i;
	}
	return -ENOENT;
}
