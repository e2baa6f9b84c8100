/* bcryptprimitives.dll for Wine 8, test lane only (never shipped).
 *
 * Go's Windows runtime (since Go 1.22) takes its random bytes from bcryptprimitives.dll!ProcessPrng,
 * which Windows 10 and later export and Wine 8 does not: every Go binary stops at start. This DLL
 * exports it over RtlGenRandom (advapi32!SystemFunction036), the older documented source.
 * Built by scripts/windows/test-wine.sh with x86_64-w64-mingw32-gcc -shared ... -ladvapi32 and copied
 * into the throwaway prefix's system32. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
