/* clip.exe for the Windows lane (test only): "clip set TEXT" puts TEXT on the clipboard,
 * "clip get" prints it (nothing when the clipboard holds no text). Built with mingw-w64. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "set") == 0) {
		size_t n = strlen(argv[2]) + 1;
		HGLOBAL g = GlobalAlloc(GMEM_MOVEABLE, n);
		memcpy(GlobalLock(g), argv[2], n);
		GlobalUnlock(g);
		if (!OpenClipboard(NULL)) return 1;
		EmptyClipboard();
		if (!SetClipboardData(CF_TEXT, g)) return 1;
		CloseClipboard();
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "get") == 0) {
		if (!OpenClipboard(NULL)) return 1;
		HANDLE h = GetClipboardData(CF_TEXT);
		if (h) { fputs((const char *)GlobalLock(h), stdout); GlobalUnlock(h); }
		CloseClipboard();
		return 0;
	}
	fputs("usage: clip set TEXT | clip get\n", stderr);
	return 2;
}
