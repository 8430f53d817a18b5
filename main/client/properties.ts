/**
 * Property requests of the client: a scenario's get-property / set-property steps, and the dropped-frame
 * count an application asks for when it stops streaming. The class driver serves them from the sets the
 * minidriver declared (an id it does not declare is STATUS_NOT_FOUND without a call).
 */
import type { Srb } from '../classdriver/srb.js'
import * as ks from '../classdriver/wdk/ks.js'
import { STATUS_BUFFER_TOO_SMALL, STATUS_NOT_FOUND, STATUS_SUCCESS } from '../classdriver/wdk/ntstatus.js'
import { STRUCT_SIZES } from '../classdriver/wdk/sizes.js'
import { SRB_GET_DEVICE_PROPERTY, SRB_GET_STREAM_PROPERTY, SRB_SET_DEVICE_PROPERTY, SRB_SET_STREAM_PROPERTY } from '../classdriver/wdk/srbCommands.js'
import type { STREAM_PROPERTY_DESCRIPTOR } from '../classdriver/wdk/strminiTypes.js'
import type { ClientStream, StepRunner, Suspend } from './ksClient.js'
import { resolveId, resolveSetName } from './scenario/names.js'
import type { StepOf } from './scenario/schema.js'

/** A get-property or set-property step: the property's SRB, with the status checked. */
export function* propertyRequest(c: StepRunner, step: StepOf<'get-property'> | StepOf<'set-property'>): Generator<Suspend, void, unknown> {
  const d = c.device
  const s = step.stream === undefined ? null : c.stream(step.stream)
  const set = resolveSetName(step.set)!
  const id = resolveId(step.id)!
  const get = step.op === 'get-property'
  const sets = s === null ? (d.streamHeader?.DevicePropertiesArray ?? []).slice(0, d.streamHeader?.NumDevPropArrayEntries ?? 0) : (s.instance.info.StreamPropertiesArray ?? []).slice(0, s.instance.info.NumStreamPropArrayEntries)
  const setIndex = sets.findIndex((x) => ks.IsEqualGUID(x.Set, set))
  const item = setIndex < 0 ? undefined : (sets[setIndex].PropertyItem ?? []).slice(0, sets[setIndex].PropertiesCount).find((p) => p.PropertyId === id)
  const what = `${step.op} ${step.set}/${step.id}`
  // The class driver answers these itself, from the sets the minidriver declared.
  let status: number
  if (item === undefined || !(get ? item.GetPropertyHandler : item.SetPropertyHandler)) status = STATUS_NOT_FOUND
  else if ((step.size ?? item.MinData) < item.MinData) status = STATUS_BUFFER_TOO_SMALL
  else {
    const value = step.op === 'set-property' ? step.value : undefined
    const descriptor: STREAM_PROPERTY_DESCRIPTOR = {
      Property: { Set: set, Id: id, Flags: get ? ks.KSPROPERTY_TYPE_GET : ks.KSPROPERTY_TYPE_SET },
      PropertySetID: setIndex,
      PropertyInfo: typeof value === 'number' ? { Value: value } : { ...(value ?? {}) },
      PropertyInputSize: Math.max(item.MinProperty, STRUCT_SIZES.KSPROPERTY),
      PropertyOutputSize: step.size ?? item.MinData,
    }
    const command = s === null ? (get ? SRB_GET_DEVICE_PROPERTY : SRB_SET_DEVICE_PROPERTY) : get ? SRB_GET_STREAM_PROPERTY : SRB_SET_STREAM_PROPERTY
    const srb = yield* c.await<Srb>((done) => d.property(s?.instance ?? null, command, descriptor, done))
    status = srb._Status
  }
  c.checkStatus(status, step.expectStatus, what)
}

/**
 * KSPROPERTY_DROPPEDFRAMES_CURRENT, when the stream offers it: the driver's own count of dropped
 * frames, which covers drops no delivered frame reveals (a run where every frame was lost).
 */
export function* queryDroppedFrames(c: StepRunner, s: ClientStream): Generator<Suspend, void, unknown> {
  const info = s.instance.info
  const sets = (info.StreamPropertiesArray ?? []).slice(0, info.NumStreamPropArrayEntries)
  const setIndex = sets.findIndex((x) => ks.IsEqualGUID(x.Set, ks.PROPSETID_VIDCAP_DROPPEDFRAMES))
  const item = setIndex < 0 ? undefined : (sets[setIndex].PropertyItem ?? []).slice(0, sets[setIndex].PropertiesCount).find((p) => p.PropertyId === ks.KSPROPERTY_DROPPEDFRAMES_CURRENT)
  if (item === undefined || !item.GetPropertyHandler) return
  const descriptor: STREAM_PROPERTY_DESCRIPTOR = {
    Property: { Set: ks.PROPSETID_VIDCAP_DROPPEDFRAMES, Id: ks.KSPROPERTY_DROPPEDFRAMES_CURRENT, Flags: ks.KSPROPERTY_TYPE_GET },
    PropertySetID: setIndex,
    PropertyInfo: {},
    PropertyInputSize: Math.max(item.MinProperty, STRUCT_SIZES.KSPROPERTY),
    PropertyOutputSize: Math.max(item.MinData, STRUCT_SIZES.KSPROPERTY_DROPPEDFRAMES_CURRENT_S),
  }
  const srb = yield* c.await<Srb>((done) => c.device.property(s.instance, SRB_GET_STREAM_PROPERTY, descriptor, done))
  const dropped = (descriptor.PropertyInfo as { DropCount?: unknown }).DropCount
  if (srb._Status === STATUS_SUCCESS && typeof dropped === 'number' && dropped >= 0) s.tracker.noteReportedDrops(dropped)
}

