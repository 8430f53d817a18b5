import { describe, expect, it } from 'vitest'
import type { KsPropertyResult } from '../../main/classdriver/streamOps.js'
import type { KsPropertyRequest } from '../../main/classdriver/ksProperty.js'
import * as S from '../../main/classdriver/strmini.js'
import { validateScenario } from '../../main/client/scenario/validate.js'
import { Session } from '../../main/host/session.js'
import { compile, probe, runDriver, START } from '../helpers/run.js'

/**
 * KSPROPERTY_ITEM.Values, Relations and SupportHandler: the class driver answers BASICSUPPORT,
 * DEFAULTVALUES and RELATIONS from the table, as ks.sys does for stream.sys; GET and SET reach the
 * minidriver with the data's KSPROPERTY header (issue 11, item 4).
 */

const TABLES = `
const BrightnessRange: S.KSPROPERTY_STEPPING_LONG[] = [{ SteppingDelta: 1, Reserved: 0, Bounds: { SignedMinimum: 0, SignedMaximum: 255 } }]
const BrightnessDefault = 128
const BrightnessMembers: S.KSPROPERTY_MEMBERSLIST[] = [
  { MembersHeader: { MembersFlags: S.KSPROPERTY_MEMBER_STEPPEDRANGES, MembersSize: S.sizeof('KSPROPERTY_STEPPING_LONG'), MembersCount: 1, Flags: 0 }, Members: BrightnessRange },
  { MembersHeader: { MembersFlags: S.KSPROPERTY_MEMBER_VALUES, MembersSize: S.sizeof('ULONG'), MembersCount: 1, Flags: S.KSPROPERTY_MEMBER_FLAG_DEFAULT }, Members: [BrightnessDefault] },
]
const BrightnessValues: S.KSPROPERTY_VALUES = { PropTypeSet: { Set: S.KSPROPTYPESETID_General, Id: S.VT_I4, Flags: 0 }, MembersListCount: 2, MembersList: BrightnessMembers }
const PROCAMP = S.sizeof('KSPROPERTY_VIDEOPROCAMP_S')
const Items: S.KSPROPERTY_ITEM[] = [
  { PropertyId: S.KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, GetPropertyHandler: true, SetPropertyHandler: true, MinProperty: PROCAMP, MinData: PROCAMP, Values: BrightnessValues },
  { PropertyId: S.KSPROPERTY_VIDEOPROCAMP_CONTRAST, GetPropertyHandler: true, MinProperty: PROCAMP, MinData: PROCAMP, SupportHandler: true },
  { PropertyId: S.KSPROPERTY_VIDEOPROCAMP_HUE, GetPropertyHandler: true, MinProperty: PROCAMP, MinData: PROCAMP,
    RelationsCount: 1, Relations: [{ Set: S.PROPSETID_VIDCAP_VIDEOPROCAMP, Id: S.KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, Flags: 0 }] },
  { PropertyId: S.KSPROPERTY_VIDEOPROCAMP_SATURATION, GetPropertyHandler: true, MinProperty: PROCAMP, MinData: PROCAMP },
]
const Sets: S.KSPROPERTY_SET[] = [{ Set: S.PROPSETID_VIDCAP_VIDEOPROCAMP, PropertiesCount: Items.length, PropertyItem: Items }]
let brightness = BrightnessDefault
`

/** A driver with the VideoProcAmp set above on the device; GETs answer from `brightness`, the support handler fills a description itself. */
const DRIVER = probe(
  `
  device: (srb) => {
    if (srb.Command === S.SRB_GET_STREAM_INFO) {
      const h = srb.CommandData.StreamBuffer!.StreamHeader
      h.NumDevPropArrayEntries = 1
      h.DevicePropertiesArray = Sets
      return false
    }
    if (srb.Command !== S.SRB_GET_DEVICE_PROPERTY && srb.Command !== S.SRB_SET_DEVICE_PROPERTY) return false
    const pSPD = srb.CommandData.PropertyInfo!
    const pS = pSPD.PropertyInfo as S.KSPROPERTY_VIDEOPROCAMP_S
    log.push('srb ' + pSPD.Property.Id + ' flags 0x' + pSPD.Property.Flags.toString(16) + ' header ' + (pS.Property ? pS.Property.Id + '/0x' + pS.Property.Flags.toString(16) : 'none'))
    if (pSPD.Property.Flags & S.KSPROPERTY_TYPE_BASICSUPPORT) {
      Object.assign(pSPD.PropertyInfo, { AccessFlags: S.KSPROPERTY_TYPE_GET, DescriptionSize: S.sizeof('KSPROPERTY_DESCRIPTION'), MembersListCount: 0 })
      srb.ActualBytesTransferred = S.sizeof('KSPROPERTY_DESCRIPTION')
    } else if (srb.Command === S.SRB_GET_DEVICE_PROPERTY) {
      pS.Value = brightness
      pS.Flags = S.KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL
      pS.Capabilities = S.KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL
      srb.ActualBytesTransferred = S.sizeof('KSPROPERTY_VIDEOPROCAMP_S')
    } else {
      brightness = pS.Value
    }
    srb.Status = S.STATUS_SUCCESS
    completeDevice(srb)
    return true
  },
`,
  TABLES,
)

/** A session running the driver, stopped at 50 ms with the device started and stream 0 open. */
async function started(): Promise<Session> {
  const driver = await compile(DRIVER)
  const scenario = validateScenario({ name: 'properties', device: { card: 'none' }, steps: [...START, { op: 'wait', duration: '2s' }] }, 'test scenario')
  const session = new Session({ driver, scenario, timeLimitNs: 30e9 })
  session.start()
  session.step(null, 50e6)
  expect(session.device?.state).toBe('started')
  return session
}

/** IOCTL_KS_PROPERTY on the device, and the answer once the run has moved on 10 ms. */
function ask(session: Session, Id: number, Flags: number, outputSize: number, data?: Record<string, unknown>): KsPropertyResult {
  let result: KsPropertyResult | null = null
  const request: KsPropertyRequest = { Property: { Set: S.PROPSETID_VIDCAP_VIDEOPROCAMP, Id, Flags }, outputSize, data }
  session.device!.ksProperty(null, request, (r) => (result = r))
  session.step(null, session.machine.kernel.now() + 10e6)
  expect(result).not.toBeNull()
  return result!
}

const BRIGHTNESS = S.KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS
const BASIC = S.KSPROPERTY_TYPE_BASICSUPPORT
const DESCRIPTION = S.sizeof('KSPROPERTY_DESCRIPTION')
const FULL = DESCRIPTION + (16 + 16) + (16 + 4)

describe('KSPROPERTY_TYPE_BASICSUPPORT and DEFAULTVALUES from the Values table', () => {
  it('answer the access flags, the description, then the members lists, sized to the buffer, without an SRB', async () => {
    const session = await started()
    const flags = ask(session, BRIGHTNESS, BASIC, 4)
    expect(flags).toMatchObject({ status: S.STATUS_SUCCESS, bytes: 4, data: { AccessFlags: BASIC | S.KSPROPERTY_TYPE_GET | S.KSPROPERTY_TYPE_SET }, srb: null })
    const header = ask(session, BRIGHTNESS, BASIC, DESCRIPTION)
    expect(header).toMatchObject({ status: S.STATUS_SUCCESS, bytes: DESCRIPTION, data: { DescriptionSize: FULL, MembersListCount: 2 } })
    expect(header.data.MembersList).toBeUndefined()
    const full = ask(session, BRIGHTNESS, BASIC, FULL)
    expect(full.bytes).toBe(FULL)
    expect(full.data).toEqual({
      AccessFlags: BASIC | S.KSPROPERTY_TYPE_GET | S.KSPROPERTY_TYPE_SET,
      DescriptionSize: FULL,
      PropTypeSet: { Set: S.KSPROPTYPESETID_General, Id: S.VT_I4, Flags: 0 },
      MembersListCount: 2,
      Reserved: 0,
      MembersList: [
        { MembersHeader: { MembersFlags: S.KSPROPERTY_MEMBER_STEPPEDRANGES, MembersSize: 16, MembersCount: 1, Flags: 0 }, Members: [{ SteppingDelta: 1, Reserved: 0, Bounds: { SignedMinimum: 0, SignedMaximum: 255 } }] },
        { MembersHeader: { MembersFlags: S.KSPROPERTY_MEMBER_VALUES, MembersSize: 4, MembersCount: 1, Flags: S.KSPROPERTY_MEMBER_FLAG_DEFAULT }, Members: [128] },
      ],
    })
    const defaults = ask(session, BRIGHTNESS, S.KSPROPERTY_TYPE_DEFAULTVALUES, 200)
    expect(defaults.bytes).toBe(DESCRIPTION + 16 + 4)
    expect(defaults.data.MembersList).toEqual([{ MembersHeader: { MembersFlags: S.KSPROPERTY_MEMBER_VALUES, MembersSize: 4, MembersCount: 1, Flags: S.KSPROPERTY_MEMBER_FLAG_DEFAULT }, Members: [128] }])
    expect(ask(session, BRIGHTNESS, BASIC, 8).status).toBe(S.STATUS_BUFFER_TOO_SMALL)
    // None of these reached the minidriver.
    expect((session.driverExports.log as string[]).filter((l) => l.startsWith('srb '))).toEqual([])
  })

  it('without Values: basic support has no members lists and there are no default values', async () => {
    const session = await started()
    const basic = ask(session, S.KSPROPERTY_VIDEOPROCAMP_SATURATION, BASIC, 200)
    expect(basic).toMatchObject({ status: S.STATUS_SUCCESS, bytes: DESCRIPTION, data: { AccessFlags: BASIC | S.KSPROPERTY_TYPE_GET, MembersListCount: 0, PropTypeSet: { Set: S.KSPROPTYPESETID_General, Id: 0 } } })
    expect(ask(session, S.KSPROPERTY_VIDEOPROCAMP_SATURATION, S.KSPROPERTY_TYPE_DEFAULTVALUES, 200).status).toBe(S.STATUS_NOT_FOUND)
  })

  it('send BASICSUPPORT to the minidriver when the item has a SupportHandler', async () => {
    const session = await started()
    const r = ask(session, S.KSPROPERTY_VIDEOPROCAMP_CONTRAST, BASIC, DESCRIPTION)
    expect(r.srb).not.toBeNull()
    expect(r).toMatchObject({ status: S.STATUS_SUCCESS, bytes: DESCRIPTION, data: { AccessFlags: S.KSPROPERTY_TYPE_GET } })
    expect(session.driverExports.log).toContain('srb 1 flags 0x200 header 1/0x200')
  })

  it('answer RELATIONS from the item, and refuse unknown ids and short buffers without an SRB', async () => {
    const session = await started()
    expect(ask(session, S.KSPROPERTY_VIDEOPROCAMP_HUE, S.KSPROPERTY_TYPE_RELATIONS, 8).data).toEqual({ Size: 8 + 24, Count: 1 })
    expect(ask(session, S.KSPROPERTY_VIDEOPROCAMP_HUE, S.KSPROPERTY_TYPE_RELATIONS, 32).data.Items).toEqual([{ Set: S.PROPSETID_VIDCAP_VIDEOPROCAMP, Id: BRIGHTNESS, Flags: 0 }])
    expect(ask(session, S.KSPROPERTY_VIDEOPROCAMP_GAMMA, S.KSPROPERTY_TYPE_GET, 40).status).toBe(S.STATUS_NOT_FOUND)
    expect(ask(session, BRIGHTNESS, S.KSPROPERTY_TYPE_GET, 36).status).toBe(S.STATUS_BUFFER_TOO_SMALL)
    expect((session.driverExports.log as string[]).filter((l) => l.startsWith('srb '))).toEqual([])
  })

  it('pass GET and SET to the minidriver with the KSPROPERTY header in the data', async () => {
    const session = await started()
    expect(ask(session, BRIGHTNESS, S.KSPROPERTY_TYPE_SET, 40, { Value: 200 }).status).toBe(S.STATUS_SUCCESS)
    const get = ask(session, BRIGHTNESS, S.KSPROPERTY_TYPE_GET, 40)
    expect(get).toMatchObject({ status: S.STATUS_SUCCESS, bytes: 40, data: { Value: 200, Flags: S.KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL, Property: { Set: S.PROPSETID_VIDCAP_VIDEOPROCAMP, Id: 0, Flags: 1 } } })
    expect(session.driverExports.log).toEqual(expect.arrayContaining(['srb 0 flags 0x2 header 0/0x2', 'srb 0 flags 0x1 header 0/0x1']))
  })
})

describe('property data with its KSPROPERTY header', () => {
  it('reaches the driver on the client\'s get-property and set-property steps', async () => {
    const { report, driver } = await runDriver(DRIVER, [
      ...START,
      { op: 'set-property', set: 'PROPSETID_VIDCAP_VIDEOPROCAMP', id: 0, value: 7 },
      { op: 'get-property', set: 'PROPSETID_VIDCAP_VIDEOPROCAMP', id: 0 },
    ] as never)
    expect(report.verifier).toEqual([])
    expect(driver.log).toEqual(expect.arrayContaining(['srb 0 flags 0x2 header 0/0x2', 'srb 0 flags 0x1 header 0/0x1']))
  })
})
