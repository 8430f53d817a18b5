import * as path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { typingFiles } from '../../main/host/backend/typings.js'
import * as S from '../../main/classdriver/strmini.js'

/**
 * The WDK surface of issue 11 in the editor: every export of the new 'strmini' files and every new
 * service carries a doc comment in the generated declarations (the editor's hover help), and a C port
 * using them type-checks against those declarations alone. The GUIDs and values are the headers'.
 */

const NEW_FILES = ['ksProperties', 'ksmediaCategories', 'ksmediaVideo', 'ksmediaCamera', 'ksmediaCrossbar', 'ksmediaTuner', 'ksmediaDecoder', 'ksmediaCompression', 'ksmediaVbi', 'lists', 'poolTypes']
const NEW_SERVICES = [
  'StreamClassRegisterAdapter', 'StreamClassRegisterFilterWithNoKSPins', 'StreamClassFilterReenumerateStreams', 'StreamClassDebugAssert',
  'ExAllocatePool', 'ExAllocatePoolWithTag', 'ExFreePool', 'ExFreePoolWithTag', 'RtlCompareMemory', 'RtlEqualMemory', 'RtlCopyMemory', 'RtlZeroMemory', 'CONTAINING_RECORD',
]

/** Exported declarations of a declaration file without a doc comment, by name. */
function undocumented(text: string, only?: readonly string[]): string[] {
  const file = ts.createSourceFile('x.d.ts', text, ts.ScriptTarget.ES2022, true)
  const missing: string[] = []
  const hasDoc = (n: ts.Node) => ts.getJSDocCommentsAndTags(n).length > 0
  for (const st of file.statements) {
    if (!ts.canHaveModifiers(st) || !ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue
    const names = ts.isVariableStatement(st) ? st.declarationList.declarations.map((d) => d.name.getText()) : [(st as ts.DeclarationStatement).name?.getText() ?? '?']
    for (const name of names) if ((only === undefined || only.includes(name)) && !hasDoc(st)) missing.push(name)
  }
  return missing
}

describe("the new 'strmini' declarations", () => {
  it('document every export of the new files and every new service (hover help)', async () => {
    const typings = await typingFiles()
    const byName = (suffix: string) => typings.find((t) => t.uri.endsWith(suffix))
    for (const f of NEW_FILES) {
      const file = byName(`strmini/classdriver/wdk/${f}.d.ts`)
      expect(file, f).toBeDefined()
      expect({ file: f, undocumented: undocumented(file!.content) }).toEqual({ file: f, undocumented: [] })
    }
    const strmini = byName('strmini/classdriver/strmini.d.ts')!
    expect(undocumented(strmini.content, NEW_SERVICES)).toEqual([])
    for (const name of NEW_SERVICES) expect(strmini.content).toContain(`function ${name}`)
    const sizes = byName('strmini/classdriver/wdk/sizes.d.ts')!
    expect(undocumented(sizes.content, ['FIELD_OFFSET', 'sizeof'])).toEqual([])
    // The new fields of KSPROPERTY_ITEM and the union name of KSALLOCATOR_FRAMING carry their comments.
    const ks = byName('strmini/classdriver/wdk/ks.d.ts')!.content
    for (const field of ['Values', 'Relations', 'SupportHandler', 'SerializedSize', 'RequirementsFlags']) expect(ks).toMatch(new RegExp(`\\*/\\s*\\n\\s*(readonly )?${field}\\?:`))
  })

  it('type-check a C port that uses them, from the typing files alone', async () => {
    const typings = await typingFiles()
    const files = new Map<string, string>(typings.map((t) => [t.uri.replace(/^file:\/\//, ''), t.content]))
    files.set(
      '/driver.ts',
      `import * as S from 'strmini'
interface SRB_EXT { ListEntry: S.LIST_ENTRY; pSrb: S.HW_STREAM_REQUEST_BLOCK }
export function queue(head: S.LIST_ENTRY, srb: S.HW_STREAM_REQUEST_BLOCK): S.HW_STREAM_REQUEST_BLOCK {
  const se = srb.SRBExtension as SRB_EXT
  se.pSrb = srb
  S.InsertTailList(head, se.ListEntry)
  S.InsertHeadList(head, srb.Irp!.Tail.Overlay.ListEntry)
  const irp = S.CONTAINING_RECORD<S.IRP>(S.RemoveHeadList(head), 'IRP', 'Tail.Overlay.ListEntry')
  void irp.Tail.Overlay.DriverContext[0]
  return S.CONTAINING_RECORD<SRB_EXT>(S.RemoveTailList(head), 'SRB_EXT', 'ListEntry').pSrb
}
export function keep(vih: S.KS_VIDEOINFOHEADER): S.KS_VIDEOINFOHEADER {
  const copy: S.KS_VIDEOINFOHEADER = S.ExAllocatePoolWithTag(S.NonPagedPool, S.KS_SIZE_VIDEOHEADER(vih), 'Tcap')
  S.RtlCopyMemory(copy, vih, S.KS_SIZE_VIDEOHEADER(vih))
  if (!S.RtlEqualMemory(copy, vih, S.sizeof('KS_VIDEOINFOHEADER'))) S.StreamClassDebugAssert('port.c', 20, 'copy == vih', 0)
  S.ExFreePool(copy)
  return vih
}
export const route: S.KSPROPERTY_CROSSBAR_ROUTE_S = { Property: { Set: S.PROPSETID_VIDCAP_CROSSBAR, Id: S.KSPROPERTY_CROSSBAR_ROUTE, Flags: S.KSPROPERTY_TYPE_GET }, IndexInputPin: 0, IndexOutputPin: 0, CanRoute: 1 }
export const vbi: Partial<S.KS_DATARANGE_VIDEO_VBI> = { VBIInfoHeader: { StartLine: 10, EndLine: 21, SamplingFrequency: S.KS_VBISAMPLINGRATE_5X_NABTS, MinLineStartTime: 0, MaxLineStartTime: 0, ActualLineStartTime: 0, ActualLineEndTime: 0, VideoStandard: S.KS_AnalogVideo_NTSC_M, SamplesPerLine: 1600, StrideInBytes: 1600, BufferSize: 1600 * 12 } }
export const item: S.KSPROPERTY_ITEM = { PropertyId: 0, GetPropertyHandler: true, MinProperty: 40, MinData: 40, Values: null, RelationsCount: 0, Relations: null, SupportHandler: null, SerializedSize: 0 }
export const framing: S.KSALLOCATOR_FRAMING = { RequirementsFlags: S.KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY, PoolType: S.NonPagedPool, Frames: 2, FrameSize: 0, FileAlignment: 0, Reserved: 0 }
export const offset: number = S.FIELD_OFFSET('KS_VIDEOINFOHEADER', 'bmiHeader') + S.KS_DIBSIZE({ biWidth: 320, biHeight: 240, biBitCount: 16 })
export function register(pdo: unknown, mediums: S.KSPIN_MEDIUM[]): number {
  S.StreamClassFilterReenumerateStreams({}, S.sizeof('HW_STREAM_HEADER'))
  return S.StreamClassRegisterFilterWithNoKSPins(pdo, S.KSCATEGORY_CROSSBAR, 2, [S.FALSE, S.TRUE], mediums, null)
}
// A wrong type is still an error:
// @ts-expect-error: ExAllocatePoolWithTag wants a pool type
S.ExAllocatePoolWithTag('NonPagedPool', 4, 'Tcap')
`,
    )
    const tsLib = path.dirname(require.resolve('typescript'))
    const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Node10, strict: true, noEmit: true, lib: ['lib.es2022.d.ts'], types: [] }
    const host = ts.createCompilerHost(options)
    host.getSourceFile = (name, target) => {
      const text = files.get(name) ?? (name.startsWith(tsLib) ? ts.sys.readFile(name) : undefined)
      return text === undefined ? undefined : ts.createSourceFile(name, text, target)
    }
    host.fileExists = (name) => files.has(name) || (name.startsWith(tsLib) && ts.sys.fileExists(name))
    host.readFile = (name) => files.get(name) ?? (name.startsWith(tsLib) ? ts.sys.readFile(name) : undefined)
    host.getCurrentDirectory = () => '/'
    host.getDefaultLibFileName = (o) => path.join(tsLib, ts.getDefaultLibFileName(o))
    host.directoryExists = (d) => d === '/' || [...files.keys()].some((f) => f.startsWith(`${d.replace(/\/$/, '')}/`)) || d.startsWith(tsLib)
    const program = ts.createProgram(['/driver.ts'], options, host)
    const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile('/driver.ts')).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    expect(errors).toEqual([])
  })
})

describe('GUIDs and values of the headers', () => {
  it('match ks.h and ksmedia.h', () => {
    expect({
      PROPSETID_VIDCAP_CROSSBAR: S.PROPSETID_VIDCAP_CROSSBAR,
      PROPSETID_TUNER: S.PROPSETID_TUNER,
      PROPSETID_VIDCAP_TVAUDIO: S.PROPSETID_VIDCAP_TVAUDIO,
      PROPSETID_VIDCAP_CAMERACONTROL: S.PROPSETID_VIDCAP_CAMERACONTROL,
      PROPSETID_VIDCAP_VIDEODECODER: S.PROPSETID_VIDCAP_VIDEODECODER,
      PROPSETID_VIDCAP_VIDEOCOMPRESSION: S.PROPSETID_VIDCAP_VIDEOCOMPRESSION,
      PROPSETID_VIDCAP_VIDEOCONTROL: S.PROPSETID_VIDCAP_VIDEOCONTROL,
      KSDATAFORMAT_TYPE_ANALOGVIDEO: S.KSDATAFORMAT_TYPE_ANALOGVIDEO,
      KSDATAFORMAT_SPECIFIER_VBI: S.KSDATAFORMAT_SPECIFIER_VBI,
      KSDATAFORMAT_SUBTYPE_RAW8: S.KSDATAFORMAT_SUBTYPE_RAW8,
      KSDATAFORMAT_SUBTYPE_CC: S.KSDATAFORMAT_SUBTYPE_CC,
      KSDATAFORMAT_SUBTYPE_NABTS: S.KSDATAFORMAT_SUBTYPE_NABTS,
      KSCATEGORY_TVTUNER: S.KSCATEGORY_TVTUNER,
      KSCATEGORY_CROSSBAR: S.KSCATEGORY_CROSSBAR,
      PINNAME_VIDEO_VBI: S.PINNAME_VIDEO_VBI,
      PINNAME_VIDEO_CC: S.PINNAME_VIDEO_CC,
      KSPROPTYPESETID_General: S.KSPROPTYPESETID_General,
    }).toEqual({
      PROPSETID_VIDCAP_CROSSBAR: '6A2E0640-28E4-11D0-A18C-00A0C9118956',
      PROPSETID_TUNER: '6A2E0605-28E4-11D0-A18C-00A0C9118956',
      PROPSETID_VIDCAP_TVAUDIO: '6A2E0650-28E4-11D0-A18C-00A0C9118956',
      PROPSETID_VIDCAP_CAMERACONTROL: 'C6E13370-30AC-11D0-A18C-00A0C9118956',
      PROPSETID_VIDCAP_VIDEODECODER: 'C6E13350-30AC-11D0-A18C-00A0C9118956',
      PROPSETID_VIDCAP_VIDEOCOMPRESSION: 'C6E13343-30AC-11D0-A18C-00A0C9118956',
      PROPSETID_VIDCAP_VIDEOCONTROL: '6A2E0670-28E4-11D0-A18C-00A0C9118956',
      KSDATAFORMAT_TYPE_ANALOGVIDEO: '0482DDE1-7817-11CF-8A03-00AA006ECB65',
      KSDATAFORMAT_SPECIFIER_VBI: 'F72A76E0-EB0A-11D0-ACE4-0000C0CC16BA',
      KSDATAFORMAT_SUBTYPE_RAW8: 'CA20D9A0-3E3E-11D1-9BF9-00C04FBBDEBF',
      KSDATAFORMAT_SUBTYPE_CC: '33214CC1-011F-11D2-B4B1-00A0D102CFBE',
      KSDATAFORMAT_SUBTYPE_NABTS: 'F72A76E2-EB0A-11D0-ACE4-0000C0CC16BA',
      KSCATEGORY_TVTUNER: 'A799A800-A46D-11D0-A18C-00A02401DCD4',
      KSCATEGORY_CROSSBAR: 'A799A801-A46D-11D0-A18C-00A02401DCD4',
      PINNAME_VIDEO_VBI: 'FB6C4284-0353-11D1-905F-0000C0CC16BA',
      PINNAME_VIDEO_CC: 'FB6C4289-0353-11D1-905F-0000C0CC16BA',
      KSPROPTYPESETID_General: '97E99BA0-BDEA-11CF-A5D6-28DB04C10000',
    })
    expect([S.KS_AnalogVideo_PAL_B, S.KS_AnalogVideo_SECAM_L, S.KS_AnalogVideo_PAL_N_COMBO, S.KS_AnalogVideo_PAL_Mask]).toEqual([0x10, 0x40000, 0x100000, 0x100ff0])
    expect([S.KSPROPERTY_CROSSBAR_ROUTE, S.KSPROPERTY_TUNER_FREQUENCY, S.KSPROPERTY_TUNER_IF_MEDIUM, S.KS_PhysConn_Video_VideoDecoder, S.KS_PhysConn_Audio_AudioDecoder]).toEqual([3, 4, 7, 12, 4105])
    expect([S.KSPROPERTY_TYPE_DEFAULTVALUES, S.KSPROPERTY_MEMBER_VALUES, S.VT_I4, S.KS_VBIDATARATE_NABTS, S.KS_VIDEOSTREAM_CC]).toEqual([0x10000, 3, 3, 5727272, 0x100])
  })
})
