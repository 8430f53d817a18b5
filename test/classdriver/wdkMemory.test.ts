import { describe, expect, it } from 'vitest'
import * as S from '../../main/classdriver/strmini.js'
import { probe, runDriver, START } from '../helpers/run.js'

/** Rtl*Memory on structures and buffers, sizeof, FIELD_OFFSET and the ksmedia size macros (issue 11, item 4). */

/** Runs `body` in the control routine for GET_STREAM_STATE; `check(name, value)` logs `name=value`. */
function inControl(body: string, hooks = ''): string {
  return probe(
    `${hooks}
    control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      ${body}
      srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4; srb.Status = S.STATUS_SUCCESS
      completeControl(srb)
      return true
    },`,
    `import { range } from './base'
const check = (name: string, value: unknown) => log.push(name + '=' + (typeof value === 'object' ? JSON.stringify(value) : String(value)))`,
  )
}

const GET = [...START, { op: 'get-state', stream: 0 }] as const

async function checks(body: string, hooks = ''): Promise<Record<string, string>> {
  const { report, driver, rules } = await runDriver(inControl(body, hooks), [...GET] as never)
  expect(report.bugcheck).toBeNull()
  expect(rules).toEqual([])
  return Object.fromEntries((driver.log as string[]).filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
}

describe('RtlCompareMemory and RtlEqualMemory on structures', () => {
  it('count equal bytes in C layout: a prefix compares the header only, a difference gives its byte offset', async () => {
    const c = await checks(`
      const a = structuredClone(range), b = structuredClone(range)
      b.ConfigCaps.MinFrameInterval = 333334
      check('header', S.RtlCompareMemory(a, b, S.sizeof('KSDATARANGE')))
      check('whole', S.RtlCompareMemory(a, b, S.sizeof('KS_DATARANGE_VIDEO')))
      check('at', S.FIELD_OFFSET('KS_DATARANGE_VIDEO', 'ConfigCaps.MinFrameInterval'))
      check('equalHeader', S.RtlEqualMemory(a, b, S.sizeof('KSDATARANGE')))
      check('equalWhole', S.RtlEqualMemory(a, b, S.sizeof('KS_DATARANGE_VIDEO')))
      const lower = structuredClone(range)
      lower.DataRange.SubFormat = lower.DataRange.SubFormat.toLowerCase()
      check('guidCase', S.RtlEqualMemory(range, lower, S.sizeof('KS_DATARANGE_VIDEO')))
      lower.DataRange.SubFormat = S.KSDATAFORMAT_SUBTYPE_UYVY
      check('guidDiffers', S.RtlCompareMemory(range, lower, S.sizeof('KSDATARANGE')))
      check('zeroIsLeftOut', S.RtlEqualMemory({ left: 1, top: 0, right: 5, bottom: 0 }, { left: 1, right: 5 }, S.sizeof('RECT')))
      check('union', S.RtlEqualMemory({ RequirementsFlags: 2, Frames: 4, FrameSize: 100 }, { OptionsFlags: 2, PoolType: 0, Frames: 4, FrameSize: 100 }, S.sizeof('KSALLOCATOR_FRAMING')))
      check('plain', S.RtlCompareMemory({ x: 1, y: 2, z: 3 }, { x: 1, y: 2, z: 4 }, 12))
      check('bytes', S.RtlCompareMemory(new Uint8Array([1, 2, 3, 4]), new Uint8Array([1, 2, 9, 4]), 4))
      check('bytesEqual', S.RtlEqualMemory(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]), 3))
    `)
    expect(c).toEqual({
      header: '64',
      whole: String(80 + 104),
      at: '184',
      equalHeader: 'true',
      equalWhole: 'false',
      guidCase: 'true',
      // SubFormat is at byte 32: its first byte (Data1's low byte) differs, YUY2 0x32595559 vs UYVY 0x59565955.
      guidDiffers: '32',
      zeroIsLeftOut: 'true',
      union: 'true',
      plain: '8',
      bytes: '2',
      bytesEqual: 'true',
    })
  })

  it('compare the class driver\'s flattened format with the nested structure a C port builds', async () => {
    const c = await checks('', `device: (srb) => {
      if (srb.Command !== S.SRB_OPEN_STREAM) return false
      const open = srb.CommandData.OpenFormat!
      const nested = { DataFormat: { FormatSize: open.FormatSize, Flags: open.Flags, SampleSize: open.SampleSize, Reserved: open.Reserved, MajorFormat: open.MajorFormat, SubFormat: open.SubFormat, Specifier: open.Specifier }, VideoInfoHeader: structuredClone(open.VideoInfoHeader) }
      check('same', S.RtlEqualMemory(open, nested, S.sizeof('KS_DATAFORMAT_VIDEOINFOHEADER')))
      nested.VideoInfoHeader!.bmiHeader.biHeight = -nested.VideoInfoHeader!.bmiHeader.biHeight
      check('heightAt', S.RtlCompareMemory(nested, open, S.sizeof('KS_DATAFORMAT_VIDEOINFOHEADER')) === S.FIELD_OFFSET('KS_DATAFORMAT_VIDEOINFOHEADER', 'VideoInfoHeader.bmiHeader.biHeight'))
      return false
    },`)
    expect(c).toEqual({ same: 'true', heightAt: 'true' })
  })
})

describe('RtlCopyMemory and RtlZeroMemory on structures', () => {
  it('copy embedded structures by value and pointers as pointers; zero fields, GUIDs and pointers', async () => {
    const c = await checks(`
      const ext = srb.HwDeviceExtension
      const src = { Range: structuredClone(range), Owner: ext, Count: 7 }
      const dst: any = {}
      S.RtlCopyMemory(dst, src, 400)
      check('copied', dst.Range.VideoInfoHeader.bmiHeader.biWidth + ' ' + dst.Count)
      check('deep', dst.Range.VideoInfoHeader !== src.Range.VideoInfoHeader)
      check('pointer', dst.Owner === ext)
      const vih = structuredClone(range.VideoInfoHeader)
      S.RtlZeroMemory(vih, S.KS_SIZE_PREHEADER)
      check('preheader', vih.AvgTimePerFrame + ' ' + vih.rcSource.right + ' ' + vih.bmiHeader.biWidth)
      const r = structuredClone(range)
      S.RtlZeroMemory(r, S.sizeof('KS_DATARANGE_VIDEO'))
      check('zeroed', r.DataRange.FormatSize + ' ' + r.DataRange.MajorFormat + ' ' + r.VideoInfoHeader.bmiHeader.biCompression)
      const withPointer = { Next: ext, Link: { Flink: ext, Blink: ext } }
      S.RtlZeroMemory(withPointer, 24)
      check('nulls', withPointer.Next === null && withPointer.Link.Flink === null && withPointer.Link.Blink === null)
      const bytes = new Uint8Array([1, 2, 3, 4])
      S.RtlZeroMemory(bytes, 2)
      check('bytes', Array.from(bytes).join(','))
      const block = S.ExAllocatePool(S.NonPagedPool, 8)
      block.Width = 640; block.Height = 480
      const size: any = {}
      S.RtlCopyMemory(size, block, 8)
      check('fromPool', size.Width + 'x' + size.Height)
      S.ExFreePool(block)
    `)
    expect(c).toEqual({
      copied: '320 7',
      deep: 'true',
      pointer: 'true',
      preheader: '0 0 320',
      zeroed: `0 ${S.GUID_NULL} 0`,
      nulls: 'true',
      bytes: '0,0,3,4',
      fromPool: '640x480',
    })
  })
})

describe('sizeof, FIELD_OFFSET and the ksmedia macros', () => {
  it('give the C sizes and offsets (x64) of the ksmedia structures', () => {
    expect(
      Object.fromEntries(
        (
          [
            'KS_VIDEOINFOHEADER', 'KS_BITMAPINFOHEADER', 'KS_DATARANGE_VIDEO', 'KS_DATAFORMAT_VIDEOINFOHEADER', 'KS_FRAME_INFO', 'KSSTREAM_HEADER',
            'KSPROPERTY_VIDEOPROCAMP_S', 'KS_VBIINFOHEADER', 'KS_DATARANGE_VIDEO_VBI', 'KS_DATARANGE_ANALOGVIDEO', 'KSPROPERTY_CROSSBAR_ROUTE_S',
            'KSPROPERTY_CROSSBAR_PININFO_S', 'KSPROPERTY_TUNER_FREQUENCY_S', 'KSPROPERTY_DESCRIPTION', 'KSPROPERTY_MEMBERSHEADER', 'KSPROPERTY_STEPPING_LONG', 'LIST_ENTRY',
            'KS_DATAFORMAT_VBIINFOHEADER', 'KS_VBI_FRAME_INFO',
          ] as const
        ).map((n) => [n, S.sizeof(n)]),
      ),
    ).toEqual({
      KS_VIDEOINFOHEADER: 88, KS_BITMAPINFOHEADER: 40, KS_DATARANGE_VIDEO: 296, KS_DATAFORMAT_VIDEOINFOHEADER: 152, KS_FRAME_INFO: 72, KSSTREAM_HEADER: 56,
      KSPROPERTY_VIDEOPROCAMP_S: 40, KS_VBIINFOHEADER: 44, KS_DATARANGE_VIDEO_VBI: 256, KS_DATARANGE_ANALOGVIDEO: 112, KSPROPERTY_CROSSBAR_ROUTE_S: 40,
      KSPROPERTY_CROSSBAR_PININFO_S: 64, KSPROPERTY_TUNER_FREQUENCY_S: 56, KSPROPERTY_DESCRIPTION: 40, KSPROPERTY_MEMBERSHEADER: 16, KSPROPERTY_STEPPING_LONG: 16, LIST_ENTRY: 16,
      // KSDATAFORMAT is a union with a LONGLONG: 64 + 44 rounds up to 112.
      KS_DATAFORMAT_VBIINFOHEADER: 112, KS_VBI_FRAME_INFO: 88,
    })
    expect(S.FIELD_OFFSET('KS_VIDEOINFOHEADER', 'bmiHeader')).toBe(48)
    expect(S.KS_SIZE_PREHEADER).toBe(48)
    expect(S.FIELD_OFFSET('KS_FRAME_INFO', 'DirectDrawRect')).toBe(40)
    expect(S.FIELD_OFFSET('KSPROPERTY_VIDEOPROCAMP_S', 'Value')).toBe(24)
    expect(S.FIELD_OFFSET('KSALLOCATOR_FRAMING', 'RequirementsFlags')).toBe(S.FIELD_OFFSET('KSALLOCATOR_FRAMING', 'OptionsFlags'))
    expect(() => S.FIELD_OFFSET('KS_VIDEOINFOHEADER', 'bmiHeadr')).toThrow(/has no field 'bmiHeadr'/)
  })

  it('compute DIB strides and sizes with C DWORD arithmetic', () => {
    const bih = { biWidth: 321, biBitCount: 24, biHeight: -240, biSize: 40 }
    expect(S.KS_DIBWIDTHBYTES(bih)).toBe(964)
    expect(S.KS_DIBSIZE(bih)).toBe(964 * 240)
    expect(S.KS_DIBSIZE({ ...bih, biHeight: 240 })).toBe(964 * 240)
    expect(S.KS_WIDTHBYTES(16 * 320)).toBe(640)
    expect(S.KS_SIZE_VIDEOHEADER({ bmiHeader: { ...bih, biSize: 40 } } as never)).toBe(88)
    expect(S.KS_SIZE_VIDEOHEADER({ bmiHeader: { ...bih, biSize: 40 + S.KS_SIZE_MASKS } } as never)).toBe(100)
  })
})
