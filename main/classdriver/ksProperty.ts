// The KS side of a property request, as ks.sys's KsPropertyHandler does it for stream.sys: find the set
// and the item the minidriver declared, check the buffer sizes, and either answer from the item
// (BASICSUPPORT and DEFAULTVALUES from its Values table, RELATIONS from its Relations) or build the
// STREAM_PROPERTY_DESCRIPTOR the minidriver's SRB carries (docs/classdriver.md#properties).
import {
  IsEqualGUID,
  KSPROPERTY_TYPE_BASICSUPPORT,
  KSPROPERTY_TYPE_GET,
  KSPROPERTY_TYPE_SET,
  PROPSETID_VIDCAP_DROPPEDFRAMES,
  PROPSETID_VIDCAP_VIDEOCONTROL,
  PROPSETID_VIDCAP_VIDEOPROCAMP,
  type GUID,
  type KSPROPERTY,
  type KSPROPERTY_ITEM,
  type KSPROPERTY_SET,
} from './wdk/ks.js'
import { PROPSETID_VIDCAP_CAMERACONTROL } from './wdk/ksmediaCamera.js'
import { KSPROPTYPESETID_General } from './wdk/ksmediaCategories.js'
import { PROPSETID_VIDCAP_VIDEOCOMPRESSION } from './wdk/ksmediaCompression.js'
import { PROPSETID_VIDCAP_CROSSBAR } from './wdk/ksmediaCrossbar.js'
import { PROPSETID_VIDCAP_VIDEODECODER } from './wdk/ksmediaDecoder.js'
import { PROPSETID_TUNER, PROPSETID_VIDCAP_TVAUDIO } from './wdk/ksmediaTuner.js'
import { KSPROPSETID_VBICodecFiltering } from './wdk/ksmediaVbi.js'
import { KSPROPERTY_MEMBER_FLAG_DEFAULT, KSPROPERTY_TYPE_DEFAULTVALUES, KSPROPERTY_TYPE_RELATIONS, type KSPROPERTY_DESCRIPTION, type KSPROPERTY_MEMBERSLIST } from './wdk/ksProperties.js'
import { STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_PARAMETER, STATUS_NOT_FOUND, STATUS_SUCCESS } from './wdk/ntstatus.js'
import { STRUCT_SIZES } from './wdk/sizes.js'
import type { STREAM_PROPERTY_DESCRIPTOR } from './wdk/strminiTypes.js'

/** A property request as a KS client sends it (IOCTL_KS_PROPERTY). */
export interface KsPropertyRequest {
  /** Set, Id and Flags: KSPROPERTY_TYPE_GET, _SET, _BASICSUPPORT, _DEFAULTVALUES or _RELATIONS. */
  Property: KSPROPERTY
  /** Bytes of the caller's data buffer. */
  outputSize: number
  /** Bytes of the caller's property buffer (the KSPROPERTY and what follows it); default: the item's MinProperty. */
  inputSize?: number
  /** The data buffer's fields, for a SET. */
  data?: Record<string, unknown>
}

/** The class driver's answer to a request it does not pass to the minidriver. */
export interface KsPropertyAnswer {
  status: number
  /** Bytes returned. */
  bytes: number
  data: Record<string, any>
}

/** What to do with a request: answer it, or send it to the minidriver in an SRB with this descriptor. */
export type KsPropertyRoute = { answer: KsPropertyAnswer } | { descriptor: STREAM_PROPERTY_DESCRIPTOR; command: 'get' | 'set' }

/** Property sets whose data structures begin with the request's KSPROPERTY (a `Property` field). */
const SETS_WITH_HEADER: readonly GUID[] = [
  PROPSETID_VIDCAP_VIDEOPROCAMP, PROPSETID_VIDCAP_CAMERACONTROL, PROPSETID_VIDCAP_CROSSBAR, PROPSETID_TUNER, PROPSETID_VIDCAP_TVAUDIO,
  PROPSETID_VIDCAP_VIDEODECODER, PROPSETID_VIDCAP_VIDEOCOMPRESSION, PROPSETID_VIDCAP_VIDEOCONTROL, PROPSETID_VIDCAP_DROPPEDFRAMES, KSPROPSETID_VBICodecFiltering,
]

/**
 * The property data of a request whose structure starts with its KSPROPERTY (KSPROPERTY_VIDEOPROCAMP_S
 * and the other ksmedia `_S` structures) carries a copy of the request there, as the caller's buffer does.
 */
export function withPropertyHeader(descriptor: STREAM_PROPERTY_DESCRIPTOR): STREAM_PROPERTY_DESCRIPTOR {
  const data = descriptor.PropertyInfo
  if (data !== null && typeof data === 'object' && !('Property' in data) && SETS_WITH_HEADER.some((s) => IsEqualGUID(s, descriptor.Property.Set))) {
    data.Property = { Set: descriptor.Property.Set, Id: descriptor.Property.Id, Flags: descriptor.Property.Flags }
  }
  return descriptor
}

const answer = (status: number, bytes = 0, data: Record<string, any> = {}): { answer: KsPropertyAnswer } => ({ answer: { status, bytes, data } })

const DESCRIPTION = STRUCT_SIZES.KSPROPERTY + 16
const MEMBERS_HEADER = 16

/** The KSPROPERTY_DESCRIPTION answer from a list of members lists, sized to the caller's buffer. */
function description(item: KSPROPERTY_ITEM, lists: readonly KSPROPERTY_MEMBERSLIST[], outputSize: number): { answer: KsPropertyAnswer } {
  const access = KSPROPERTY_TYPE_BASICSUPPORT | (item.GetPropertyHandler ? KSPROPERTY_TYPE_GET : 0) | (item.SetPropertyHandler ? KSPROPERTY_TYPE_SET : 0)
  if (outputSize === STRUCT_SIZES.ULONG) return answer(STATUS_SUCCESS, STRUCT_SIZES.ULONG, { AccessFlags: access })
  if (outputSize < DESCRIPTION) return answer(STATUS_BUFFER_TOO_SMALL)
  const total = lists.reduce((n, l) => n + MEMBERS_HEADER + (l.MembersHeader.MembersSize >>> 0), DESCRIPTION)
  const type = item.Values?.PropTypeSet ?? { Set: KSPROPTYPESETID_General, Id: 0, Flags: 0 }
  const d: KSPROPERTY_DESCRIPTION = { AccessFlags: access, DescriptionSize: total, PropTypeSet: { Set: type.Set, Id: type.Id, Flags: type.Flags }, MembersListCount: lists.length, Reserved: 0 }
  if (outputSize < total) return answer(STATUS_SUCCESS, DESCRIPTION, d)
  d.MembersList = lists.map((l) => ({ MembersHeader: { ...l.MembersHeader }, Members: structuredClone(l.Members) }))
  return answer(STATUS_SUCCESS, total, d)
}

/**
 * Routes a request to a device's or a stream's property sets. `sets` are the sets as the minidriver
 * declared them (its first NumDevPropArrayEntries / NumStreamPropArrayEntries).
 */
export function routeProperty(sets: readonly KSPROPERTY_SET[], request: KsPropertyRequest): KsPropertyRoute {
  const p = request.Property
  const setIndex = sets.findIndex((s) => IsEqualGUID(s.Set, p.Set))
  const set = sets[setIndex]
  const item = set === undefined ? undefined : (set.PropertyItem ?? []).slice(0, set.PropertiesCount >>> 0).find((i) => i.PropertyId === p.Id >>> 0)
  if (item === undefined) return answer(STATUS_NOT_FOUND)
  const inputSize = request.inputSize ?? Math.max(item.MinProperty >>> 0, STRUCT_SIZES.KSPROPERTY)
  if (inputSize < (item.MinProperty >>> 0)) return answer(STATUS_INVALID_PARAMETER)
  const flags = p.Flags >>> 0
  const outputSize = request.outputSize >>> 0
  const toMinidriver = (command: 'get' | 'set', data: Record<string, unknown> = {}): KsPropertyRoute => ({
    command,
    descriptor: withPropertyHeader({ Property: { Set: p.Set, Id: p.Id, Flags: flags }, PropertySetID: setIndex, PropertyInfo: data, PropertyInputSize: inputSize, PropertyOutputSize: outputSize }),
  })
  if (flags & (KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET)) {
    const get = (flags & KSPROPERTY_TYPE_GET) !== 0
    if (!(get ? item.GetPropertyHandler : item.SetPropertyHandler)) return answer(STATUS_NOT_FOUND)
    if (outputSize < (item.MinData >>> 0)) return answer(STATUS_BUFFER_TOO_SMALL)
    return toMinidriver(get ? 'get' : 'set', { ...(request.data ?? {}) })
  }
  if (flags & (KSPROPERTY_TYPE_BASICSUPPORT | KSPROPERTY_TYPE_DEFAULTVALUES)) {
    if (item.SupportHandler) return toMinidriver('get')
    const lists = (item.Values?.MembersList ?? []).slice(0, item.Values?.MembersListCount ?? 0)
    if (flags & KSPROPERTY_TYPE_BASICSUPPORT) return description(item, lists, outputSize)
    if (item.Values == null) return answer(STATUS_NOT_FOUND)
    return description(item, lists.filter((l) => (l.MembersHeader.Flags & KSPROPERTY_MEMBER_FLAG_DEFAULT) !== 0), outputSize)
  }
  if (flags & KSPROPERTY_TYPE_RELATIONS) {
    const relations = (item.Relations ?? []).slice(0, item.RelationsCount ?? 0)
    const size = 8 + relations.length * STRUCT_SIZES.KSPROPERTY
    if (outputSize === 8) return answer(STATUS_SUCCESS, 8, { Size: size, Count: relations.length })
    if (outputSize < size) return answer(STATUS_BUFFER_TOO_SMALL)
    return answer(STATUS_SUCCESS, size, { Size: size, Count: relations.length, Items: relations.map((r) => ({ Set: r.Set, Id: r.Id, Flags: r.Flags })) })
  }
  return answer(STATUS_NOT_FOUND)
}
