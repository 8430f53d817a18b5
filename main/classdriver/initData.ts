import type { ClassDriverSettings } from './settings.js'
import type { Verifier } from './verifier/verifier.js'
import { STRUCT_SIZES } from './wdk/sizes.js'
import { STREAM_CLASS_VERSION_20, type HW_INITIALIZATION_DATA } from './wdk/strminiTypes.js'

const KNOWN_FIELDS = new Set([
  'HwInitializationDataSize',
  'SizeOfThisPacket',
  'StreamClassVersion',
  'HwInterrupt',
  'HwReceivePacket',
  'HwCancelPacket',
  'HwRequestTimeoutHandler',
  'DeviceExtensionSize',
  'PerRequestExtensionSize',
  'PerStreamExtensionSize',
  'FilterInstanceExtensionSize',
  'BusMasterDMA',
  'Dma24BitAddresses',
  'BufferAlignment',
  'TurnOffSynchronization',
  'DmaBufferSize',
  'NumNameExtensions',
  'NameExtensionArray',
])

const SIZE_FIELDS = ['DeviceExtensionSize', 'PerRequestExtensionSize', 'PerStreamExtensionSize', 'FilterInstanceExtensionSize', 'DmaBufferSize'] as const
const CALLBACKS = ['HwInterrupt', 'HwCancelPacket', 'HwRequestTimeoutHandler'] as const

/**
 * Validates HW_INITIALIZATION_DATA (docs/classdriver.md#init-data) and returns the copy the class driver
 * keeps, or null when registration must fail. Problems are verifier findings (init-data-invalid).
 */
export function validateInitData(data: unknown, verifier: Verifier, settings: ClassDriverSettings): { data: HW_INITIALIZATION_DATA | null; version: number } {
  const report = (message: string, severity: 'error' | 'warning' = 'error') => verifier.report('init-data-invalid', message, { severity })
  if (data === null || typeof data !== 'object') {
    report('StreamClassRegisterMinidriver was not given an HW_INITIALIZATION_DATA object')
    return { data: null, version: 0 }
  }
  const d = data as Record<string, unknown>
  let ok = true
  for (const key of Object.keys(d)) {
    if (!KNOWN_FIELDS.has(key)) report(`HW_INITIALIZATION_DATA has no field '${key}' (a typo?); it is ignored`, 'warning')
  }
  const sizeField = d.HwInitializationDataSize
  const size = typeof sizeField === 'number' ? sizeField >>> 0 : -1
  const packet = size & 0xffff
  const version = size >>> 16
  const expected = STRUCT_SIZES.HW_INITIALIZATION_DATA
  if (!(packet === expected && (version === 0 || version === STREAM_CLASS_VERSION_20))) {
    report(
      `HwInitializationDataSize is ${sizeField === undefined ? 'missing' : String(sizeField)}; use sizeof('HW_INITIALIZATION_DATA') (${expected}), or (STREAM_CLASS_VERSION_20 << 16) | ${expected} for a version 2.0 driver`,
    )
    ok = false
  }
  if (typeof d.HwReceivePacket !== 'function') {
    report('HwReceivePacket is not set: every minidriver must handle device SRBs')
    ok = false
  }
  for (const key of CALLBACKS) {
    const v = d[key]
    if (v != null && typeof v !== 'function') report(`${key} must be a function or null`)
  }
  for (const key of SIZE_FIELDS) {
    const v = d[key]
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
      report(`${key} must be a non-negative integer, got ${String(v)}`)
      ok = false
    }
  }
  if ((d.NumNameExtensions || d.NameExtensionArray) && version !== STREAM_CLASS_VERSION_20) {
    report('NumNameExtensions/NameExtensionArray are honoured only for a version 2.0 driver (StreamClassVersion = STREAM_CLASS_VERSION_20)', 'warning')
  }
  const align = d.BufferAlignment
  if (typeof align === 'number' && align > 0) {
    const isMask = (align & (align + 1)) === 0
    const isBytes = (align & (align - 1)) === 0
    const fine = settings.bufferAlignment === 'mask' ? isMask : settings.bufferAlignment === 'bytes' ? isBytes : isMask || isBytes
    if (!fine) report(`BufferAlignment ${align} is neither a mask (2^n - 1) nor a power of two`, 'warning')
  }
  if (!ok) return { data: null, version }
  return { data: { ...(d as unknown as HW_INITIALIZATION_DATA) }, version }
}
