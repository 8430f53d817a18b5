import { describe, expect, it } from 'vitest'
import * as S from '../../main/classdriver/strmini.js'
import { layoutOf } from '../../main/classdriver/wdk/layouts.js'
import { STRUCT_SIZES } from '../../main/classdriver/wdk/sizes.js'
import { compareStructures } from '../../main/classdriver/structMemory.js'

/**
 * sizeof() of the audio structures as the x64 compiler gives them with the WDK headers: KSDATARANGE is a
 * union with a LONGLONG member (8-byte alignment), mmreg.h packs WAVEFORMATEX to 1 byte, and ksmedia.h
 * declares KSDATAFORMAT_WAVEFORMATEX between pshpack1.h and poppack.h. A driver writes these sizes into
 * FormatSize and compares them with what the client sends, so a wrong number fails its intersection.
 */
describe('audio structure sizes', () => {
  it('KSDATARANGE_AUDIO: 84 bytes of fields padded to 88 by the 8-byte alignment of KSDATARANGE', () => {
    expect(S.sizeof('KSDATARANGE_AUDIO')).toBe(88)
    expect(S.FIELD_OFFSET('KSDATARANGE_AUDIO', 'MaximumChannels')).toBe(64)
    expect(S.FIELD_OFFSET('KSDATARANGE_AUDIO', 'MaximumSampleFrequency')).toBe(80)
    expect(layoutOf('KSDATARANGE_AUDIO')!.align).toBe(8)
  })

  it('WAVEFORMATEX is 18 and KSDATAFORMAT_WAVEFORMATEX 82: both packed, with no tail padding', () => {
    expect(S.sizeof('WAVEFORMATEX')).toBe(18)
    expect(S.FIELD_OFFSET('WAVEFORMATEX', 'nSamplesPerSec')).toBe(4)
    expect(S.FIELD_OFFSET('WAVEFORMATEX', 'cbSize')).toBe(16)
    expect(S.sizeof('KSDATAFORMAT_WAVEFORMATEX')).toBe(82)
    expect(S.FIELD_OFFSET('KSDATAFORMAT_WAVEFORMATEX', 'WaveFormatEx')).toBe(64)
    expect(S.FIELD_OFFSET('KSDATAFORMAT_WAVEFORMATEX', 'WaveFormatEx.nAvgBytesPerSec')).toBe(72)
  })

  it('agree between the contract table and the layout table wherever both know a structure', () => {
    for (const [name, size] of Object.entries(STRUCT_SIZES)) {
      const layout = layoutOf(name)
      if (layout !== null) expect({ name, size: layout.size }).toEqual({ name, size })
    }
  })

  it('compare an audio range in its C layout: RtlCompareMemory stops at the first differing byte', () => {
    // The ported driver's exact-match idiom on an audio pin: the first difference is MaximumSampleFrequency, at 80.
    const range = (freq: number): S.KSDATARANGE_AUDIO => ({
      DataRange: { FormatSize: S.sizeof('KSDATARANGE_AUDIO'), Flags: 0, SampleSize: 0, Reserved: 0, MajorFormat: S.KSDATAFORMAT_TYPE_AUDIO, SubFormat: S.KSDATAFORMAT_SUBTYPE_PCM, Specifier: S.KSDATAFORMAT_SPECIFIER_WAVEFORMATEX },
      MaximumChannels: 2, MinimumBitsPerSample: 16, MaximumBitsPerSample: 16, MinimumSampleFrequency: 48000, MaximumSampleFrequency: freq,
    })
    const never = () => false
    expect(compareStructures(range(48000), range(48000), S.sizeof('KSDATARANGE_AUDIO'), never)).toBe(88)
    expect(compareStructures(range(48000), range(44100), S.sizeof('KSDATARANGE_AUDIO'), never)).toBe(80)
  })
})
