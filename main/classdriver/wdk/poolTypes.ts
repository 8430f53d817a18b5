/** wdm.h: POOL_TYPE, for ExAllocatePool / ExAllocatePoolWithTag. */

/** PVOID: an untyped pointer, as ExAllocatePool returns it: assign it to the type you allocated. */
export type PVOID = any

/** POOL_TYPE */
export type POOL_TYPE = number
/** NonPagedPool: resident memory, usable at any IRQL up to DISPATCH_LEVEL (and from the ISR). */
export const NonPagedPool = 0
/** NonPagedPoolExecute: the same value as NonPagedPool. */
export const NonPagedPoolExecute = 0
/** PagedPool: pageable memory: allocate, free and touch it only below DISPATCH_LEVEL. */
export const PagedPool = 1
/** NonPagedPoolMustSucceed: obsolete; do not use (Windows bug-checks when it cannot allocate). */
export const NonPagedPoolMustSucceed = 2
/** DontUseThisType: reserved. */
export const DontUseThisType = 3
/** NonPagedPoolCacheAligned: nonpaged, aligned to a processor cache line. */
export const NonPagedPoolCacheAligned = 4
/** PagedPoolCacheAligned: paged, aligned to a processor cache line. */
export const PagedPoolCacheAligned = 5
/** NonPagedPoolCacheAlignedMustS: obsolete; do not use. */
export const NonPagedPoolCacheAlignedMustS = 6
/** NonPagedPoolNx: nonpaged, not executable (Windows 8 and later). */
export const NonPagedPoolNx = 512
/** NonPagedPoolNxCacheAligned: nonpaged, not executable, cache aligned. */
export const NonPagedPoolNxCacheAligned = 516

