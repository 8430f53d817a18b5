/**
 * Doubly linked lists of wdm.h: LIST_ENTRY and its inline routines, with the same semantics
 * (circular, a head that is its own Flink/Blink when empty) and the list integrity checks Windows 8 and
 * later make (a corrupt list is a KERNEL_SECURITY_CHECK_FAILURE, FAST_FAIL_CORRUPT_LIST_ENTRY). A C
 * port reads line by line:
 *
 *     InitializeListHead(ext.PendingSrbs = {} as LIST_ENTRY)       // InitializeListHead(&ext->PendingSrbs)
 *     InsertTailList(ext.PendingSrbs, srb.Irp!.Tail.Overlay.ListEntry)
 *     const e = RemoveHeadList(ext.PendingSrbs)
 *     const irp = CONTAINING_RECORD<IRP>(e, 'IRP', 'Tail.Overlay.ListEntry')
 *
 * Like the C macros these are not kernel calls: they cost nothing and are not checkpoints.
 */

/**
 * LIST_ENTRY: a link of a doubly linked list, or a list head. Embed it in a structure (an extension
 * field, an SRB extension field, a pool block) and get the structure back with CONTAINING_RECORD. A
 * zeroed entry (`{}`, Flink and Blink NULL) must be initialised (InitializeListHead) before it is used as
 * a head.
 */
export interface LIST_ENTRY {
  /** The next entry (the head after the last entry). */
  Flink: LIST_ENTRY
  /** The previous entry (the head before the first entry). */
  Blink: LIST_ENTRY
}
/** PLIST_ENTRY: a pointer to a LIST_ENTRY. */
export type PLIST_ENTRY = LIST_ENTRY

function corrupt(routine: string, what: string): never {
  throw new TypeError(`${routine}: ${what}: the list is corrupt (on Windows bug check 0x139 KERNEL_SECURITY_CHECK_FAILURE, FAST_FAIL_CORRUPT_LIST_ENTRY)`)
}

function head(routine: string, ListHead: LIST_ENTRY): LIST_ENTRY {
  if (ListHead === null || typeof ListHead !== 'object') throw new TypeError(`${routine}: ListHead is ${ListHead === null ? 'NULL' : String(ListHead)}, not a LIST_ENTRY (an access violation)`)
  if (ListHead.Flink == null || ListHead.Blink == null) {
    throw new TypeError(`${routine}: the list head was never initialised (Flink/Blink NULL: call InitializeListHead first; an access violation)`)
  }
  return ListHead
}

/** InitializeListHead: makes `ListHead` an empty list (Flink = Blink = ListHead). */
export function InitializeListHead(ListHead: LIST_ENTRY): void {
  if (ListHead === null || typeof ListHead !== 'object') throw new TypeError(`InitializeListHead: ListHead is ${ListHead === null ? 'NULL' : String(ListHead)}, not a LIST_ENTRY object`)
  ListHead.Flink = ListHead.Blink = ListHead
}

/** IsListEmpty: TRUE when the list has no entries (its head points at itself). */
export function IsListEmpty(ListHead: LIST_ENTRY): boolean {
  return head('IsListEmpty', ListHead).Flink === ListHead
}

/** Links `Entry` first or last in the list, after checking that the neighbour it joins points back at the head. */
function insert(routine: string, ListHead: LIST_ENTRY, Entry: LIST_ENTRY, atHead: boolean): void {
  const h = head(routine, ListHead)
  if (Entry === null || typeof Entry !== 'object') throw new TypeError(`${routine}: Entry is not a LIST_ENTRY`)
  const prev = atHead ? h : h.Blink
  const next = atHead ? h.Flink : h
  if (atHead ? next.Blink !== h : prev.Flink !== h) corrupt(routine, atHead ? 'ListHead->Flink->Blink is not ListHead' : 'ListHead->Blink->Flink is not ListHead')
  Entry.Flink = next
  Entry.Blink = prev
  prev.Flink = Entry
  next.Blink = Entry
}

/** InsertHeadList: puts `Entry` first in the list (a LIFO push). */
export function InsertHeadList(ListHead: LIST_ENTRY, Entry: LIST_ENTRY): void {
  insert('InsertHeadList', ListHead, Entry, true)
}

/** InsertTailList: puts `Entry` last in the list (a FIFO enqueue). */
export function InsertTailList(ListHead: LIST_ENTRY, Entry: LIST_ENTRY): void {
  insert('InsertTailList', ListHead, Entry, false)
}

/**
 * RemoveEntryList: unlinks `Entry` from whatever list it is on. Returns TRUE when the list is empty
 * afterwards. Its own Flink and Blink are left as they were (as in C).
 */
export function RemoveEntryList(Entry: LIST_ENTRY): boolean {
  if (Entry === null || typeof Entry !== 'object' || Entry.Flink == null || Entry.Blink == null) {
    throw new TypeError('RemoveEntryList: the entry is not on a list (Flink/Blink NULL: an access violation)')
  }
  const next = Entry.Flink
  const prev = Entry.Blink
  if (next.Blink !== Entry || prev.Flink !== Entry) corrupt('RemoveEntryList', 'Entry->Flink->Blink or Entry->Blink->Flink is not Entry (removed twice, or never inserted?)')
  prev.Flink = next
  next.Blink = prev
  return prev === next
}

/** Unlinks the first (or last) entry; the head itself when the list is empty. */
function removeEnd(routine: string, ListHead: LIST_ENTRY, first: boolean): LIST_ENTRY {
  const h = head(routine, ListHead)
  const entry = first ? h.Flink : h.Blink
  if (entry === h) return h
  RemoveEntryList(entry)
  return entry
}

/** RemoveHeadList: unlinks and returns the first entry. On an empty list it returns the head itself, as in C: test IsListEmpty first. */
export function RemoveHeadList(ListHead: LIST_ENTRY): LIST_ENTRY {
  return removeEnd('RemoveHeadList', ListHead, true)
}

/** RemoveTailList: unlinks and returns the last entry. On an empty list it returns the head itself, as in C. */
export function RemoveTailList(ListHead: LIST_ENTRY): LIST_ENTRY {
  return removeEnd('RemoveTailList', ListHead, false)
}
