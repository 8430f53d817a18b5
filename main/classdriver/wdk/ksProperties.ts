/**
 * ks.h: property requests beyond GET and SET, and the value tables a property item may carry
 * (KSPROPERTY_VALUES) from which the class driver answers KSPROPERTY_TYPE_BASICSUPPORT and
 * KSPROPERTY_TYPE_DEFAULTVALUES without calling the minidriver, as ks.sys does for stream.sys.
 *
 *     const BrightnessRange: KSPROPERTY_STEPPING_LONG[] = [{ SteppingDelta: 1, Reserved: 0, Bounds: { SignedMinimum: 0, SignedMaximum: 255 } }]
 *     const BrightnessDefault = 128
 *     const BrightnessMembers: KSPROPERTY_MEMBERSLIST[] = [
 *       { MembersHeader: { MembersFlags: KSPROPERTY_MEMBER_RANGES, MembersSize: sizeof('KSPROPERTY_STEPPING_LONG'), MembersCount: 1, Flags: 0 }, Members: BrightnessRange },
 *       { MembersHeader: { MembersFlags: KSPROPERTY_MEMBER_VALUES, MembersSize: sizeof('ULONG'), MembersCount: 1, Flags: KSPROPERTY_MEMBER_FLAG_DEFAULT }, Members: [BrightnessDefault] },
 *     ]
 *     const BrightnessValues: KSPROPERTY_VALUES = { PropTypeSet: { Set: KSPROPTYPESETID_General, Id: VT_I4, Flags: 0 }, MembersListCount: 2, MembersList: BrightnessMembers }
 */
import type { KSPROPERTY } from './ks.js'

/** KSPROPERTY_TYPE_SETSUPPORT: asks whether a property set is supported (Set = the set, Id = 0). */
export const KSPROPERTY_TYPE_SETSUPPORT = 0x00000100
/** KSPROPERTY_TYPE_RELATIONS: asks which properties change with this one (KSPROPERTY_ITEM.Relations). */
export const KSPROPERTY_TYPE_RELATIONS = 0x00000400
/** KSPROPERTY_TYPE_SERIALIZESET: serialize a property set. */
export const KSPROPERTY_TYPE_SERIALIZESET = 0x00000800
/** KSPROPERTY_TYPE_UNSERIALIZESET: restore a serialized property set. */
export const KSPROPERTY_TYPE_UNSERIALIZESET = 0x00001000
/** KSPROPERTY_TYPE_SERIALIZERAW: serialize raw property data. */
export const KSPROPERTY_TYPE_SERIALIZERAW = 0x00002000
/** KSPROPERTY_TYPE_UNSERIALIZERAW: restore raw property data. */
export const KSPROPERTY_TYPE_UNSERIALIZERAW = 0x00004000
/** KSPROPERTY_TYPE_SERIALIZESIZE: the size serialized data needs (KSPROPERTY_ITEM.SerializedSize). */
export const KSPROPERTY_TYPE_SERIALIZESIZE = 0x00008000
/** KSPROPERTY_TYPE_DEFAULTVALUES: asks for the default values (the members lists flagged KSPROPERTY_MEMBER_FLAG_DEFAULT). */
export const KSPROPERTY_TYPE_DEFAULTVALUES = 0x00010000
/** KSPROPERTY_TYPE_TOPOLOGY: the request carries a node id (KSP_NODE). */
export const KSPROPERTY_TYPE_TOPOLOGY = 0x10000000

/** KSPROPERTY_MEMBER_RANGES: the members are KSPROPERTY_BOUNDS_LONG (or _STEPPING_LONG) ranges. */
export const KSPROPERTY_MEMBER_RANGES = 0x00000001
/** KSPROPERTY_MEMBER_STEPPEDRANGES: the members are KSPROPERTY_STEPPING_LONG ranges with a step. */
export const KSPROPERTY_MEMBER_STEPPEDRANGES = 0x00000002
/** KSPROPERTY_MEMBER_VALUES: the members are values (of the type PropTypeSet.Id names). */
export const KSPROPERTY_MEMBER_VALUES = 0x00000003
/** KSPROPERTY_MEMBER_FLAG_DEFAULT (KSPROPERTY_MEMBERSHEADER.Flags): the list holds the default value. */
export const KSPROPERTY_MEMBER_FLAG_DEFAULT = 0x00000001
/** KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL: the members are per channel. */
export const KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL = 0x00000002
/** KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_UNIFORM: one set of members applies to every channel. */
export const KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_UNIFORM = 0x00000004

/** VT_EMPTY (PropTypeSet.Id with KSPROPTYPESETID_General): no type. */
export const VT_EMPTY = 0
/** VT_I2: a 16-bit signed value. */
export const VT_I2 = 2
/** VT_I4: a 32-bit signed value (LONG), the type of the VideoProcAmp and camera controls. */
export const VT_I4 = 3
/** VT_R4: a 32-bit float. */
export const VT_R4 = 4
/** VT_R8: a 64-bit float. */
export const VT_R8 = 5
/** VT_BOOL: a boolean. */
export const VT_BOOL = 11
/** VT_I1: an 8-bit signed value. */
export const VT_I1 = 16
/** VT_UI1: an 8-bit unsigned value. */
export const VT_UI1 = 17
/** VT_UI2: a 16-bit unsigned value. */
export const VT_UI2 = 18
/** VT_UI4: a 32-bit unsigned value (ULONG). */
export const VT_UI4 = 19
/** VT_I8: a 64-bit signed value. */
export const VT_I8 = 20
/** VT_UI8: a 64-bit unsigned value. */
export const VT_UI8 = 21

/** KSIDENTIFIER: a set GUID, an id and flags (the layout of KSPROPERTY, KSEVENT, KSMETHOD, KSPIN_MEDIUM). */
export type KSIDENTIFIER = KSPROPERTY

/** KSPROPERTY_MEMBERSHEADER: what one members list holds. */
export interface KSPROPERTY_MEMBERSHEADER {
  /** KSPROPERTY_MEMBER_RANGES, _STEPPEDRANGES or _VALUES. */
  MembersFlags: number
  /** Bytes of the members (MembersCount × the size of one). */
  MembersSize: number
  MembersCount: number
  /** KSPROPERTY_MEMBER_FLAG_DEFAULT for the default-value list. */
  Flags: number
}

/** KSPROPERTY_BOUNDS_LONG: a range of 32-bit values (a union: signed or unsigned bounds). */
export interface KSPROPERTY_BOUNDS_LONG {
  SignedMinimum: number
  SignedMaximum: number
  /** The same storage as SignedMinimum, read as a ULONG. */
  UnsignedMinimum?: number
  /** The same storage as SignedMaximum, read as a ULONG. */
  UnsignedMaximum?: number
}

/** KSPROPERTY_STEPPING_LONG: a range with a step (C initialisers `{ delta, 0, min, max }`). */
export interface KSPROPERTY_STEPPING_LONG {
  SteppingDelta: number
  Reserved: number
  Bounds: KSPROPERTY_BOUNDS_LONG
}

/**
 * KSPROPERTY_MEMBERSLIST: a header and its members. `Members` is what C points at: an array of
 * KSPROPERTY_STEPPING_LONG / KSPROPERTY_BOUNDS_LONG, or of values (`[128]` for `&Default`).
 */
export interface KSPROPERTY_MEMBERSLIST {
  MembersHeader: KSPROPERTY_MEMBERSHEADER
  Members: readonly unknown[] | number | object
}

/** KSPROPERTY_VALUES: a property item's type, ranges and defaults (KSPROPERTY_ITEM.Values). */
export interface KSPROPERTY_VALUES {
  /** { Set: KSPROPTYPESETID_General, Id: VT_I4, Flags: 0 } for a LONG property. */
  PropTypeSet: KSIDENTIFIER
  MembersListCount: number
  MembersList: readonly KSPROPERTY_MEMBERSLIST[]
}

/**
 * KSPROPERTY_DESCRIPTION: the answer to KSPROPERTY_TYPE_BASICSUPPORT (and DEFAULTVALUES) when the
 * buffer holds at least sizeof('KSPROPERTY_DESCRIPTION'); the members lists follow it (`MembersList`)
 * when the buffer holds DescriptionSize bytes.
 */
export interface KSPROPERTY_DESCRIPTION {
  /** KSPROPERTY_TYPE_BASICSUPPORT | GET and SET as the item supports them. */
  AccessFlags: number
  /** Bytes of the description and all the members lists that follow it. */
  DescriptionSize: number
  PropTypeSet: KSIDENTIFIER
  MembersListCount: number
  Reserved: number
  /** The members lists that follow the description (when the buffer holds DescriptionSize bytes). */
  MembersList?: KSPROPERTY_MEMBERSLIST[]
}

/** KSMULTIPLE_ITEM: the header of a variable list (Size: bytes of header and items; Count: items). */
export interface KSMULTIPLE_ITEM {
  Size: number
  Count: number
}
