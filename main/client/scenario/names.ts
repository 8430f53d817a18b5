import * as ks from '../../classdriver/wdk/ks.js'
import { NTSTATUS_NAMES } from '../../classdriver/wdk/ntstatus.js'
import { SRB_COMMAND_NAMES } from '../../classdriver/wdk/srbCommands.js'

/** Property and event sets a scenario may name instead of spelling the GUID. */
const SETS: Record<string, string> = {
  KSPROPSETID_Connection: ks.KSPROPSETID_Connection,
  KSPROPSETID_Pin: ks.KSPROPSETID_Pin,
  KSPROPSETID_General: ks.KSPROPSETID_General,
  PROPSETID_VIDCAP_DROPPEDFRAMES: ks.PROPSETID_VIDCAP_DROPPEDFRAMES,
  PROPSETID_VIDCAP_VIDEOPROCAMP: ks.PROPSETID_VIDCAP_VIDEOPROCAMP,
  PROPSETID_VIDCAP_VIDEOCONTROL: ks.PROPSETID_VIDCAP_VIDEOCONTROL,
  KSEVENTSETID_Connection: ks.KSEVENTSETID_Connection,
  KSEVENTSETID_VIDCAPNotify: ks.KSEVENTSETID_VIDCAPNotify,
}

/** Property and event ids by name. */
const IDS: Record<string, number> = {
  KSPROPERTY_CONNECTION_STATE: ks.KSPROPERTY_CONNECTION_STATE,
  KSPROPERTY_CONNECTION_PRIORITY: ks.KSPROPERTY_CONNECTION_PRIORITY,
  KSPROPERTY_CONNECTION_DATAFORMAT: ks.KSPROPERTY_CONNECTION_DATAFORMAT,
  KSPROPERTY_CONNECTION_ALLOCATORFRAMING: ks.KSPROPERTY_CONNECTION_ALLOCATORFRAMING,
  KSPROPERTY_DROPPEDFRAMES_CURRENT: ks.KSPROPERTY_DROPPEDFRAMES_CURRENT,
  KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS: ks.KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS,
  KSPROPERTY_VIDEOPROCAMP_CONTRAST: ks.KSPROPERTY_VIDEOPROCAMP_CONTRAST,
  KSEVENT_CONNECTION_POSITIONUPDATE: ks.KSEVENT_CONNECTION_POSITIONUPDATE,
  KSEVENT_CONNECTION_DATADISCONTINUITY: ks.KSEVENT_CONNECTION_DATADISCONTINUITY,
  KSEVENT_CONNECTION_TIMEDISCONTINUITY: ks.KSEVENT_CONNECTION_TIMEDISCONTINUITY,
  KSEVENT_CONNECTION_PRIORITY: ks.KSEVENT_CONNECTION_PRIORITY,
  KSEVENT_CONNECTION_ENDOFSTREAM: ks.KSEVENT_CONNECTION_ENDOFSTREAM,
}

const GUID_RE = /^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/

/** A set name or GUID as a normalised GUID, or null. */
export function resolveSetName(set: string): string | null {
  if (set in SETS) return SETS[set]
  return GUID_RE.test(set) ? ks.normalizeGuid(set) : null
}

/** A property or event id by number or name, or null. */
export function resolveId(id: number | string): number | null {
  if (typeof id === 'number') return id
  return id in IDS ? IDS[id] : /^\d+$/.test(id) ? Number(id) : null
}

export function commandCode(name: string): number {
  for (const [code, n] of Object.entries(SRB_COMMAND_NAMES)) if (n === name) return Number(code)
  throw new Error(`unknown SRB command ${name}`)
}

/** An NTSTATUS by name ("STATUS_SUCCESS") or hex ("0xC0000120"), or null. */
export function statusCode(name: string): number | null {
  for (const [code, n] of Object.entries(NTSTATUS_NAMES)) if (n === name) return Number(code)
  return /^0x[0-9a-f]+$/i.test(name) ? parseInt(name, 16) >>> 0 : null
}

export const KSSTATE_BY_NAME: Record<string, number> = { STOP: ks.KSSTATE_STOP, ACQUIRE: ks.KSSTATE_ACQUIRE, PAUSE: ks.KSSTATE_PAUSE, RUN: ks.KSSTATE_RUN }
