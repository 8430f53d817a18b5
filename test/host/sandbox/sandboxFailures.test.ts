import { afterAll, describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../../main/client/scenario/schema.js'
import type { RunReport } from '../../../main/host/reportBuilder.js'
import { Sandbox } from '../../../main/host/sandbox/sandbox.js'
import { compile, probe, START } from '../../helpers/run.js'

/**
 * Every kind of failure in every kind of callback ends in a bug check report that names the callback
 * and the line, and the same sandbox host runs the next session: the matrix of issue 4.
 */

const SNIPPETS = {
  exception: `throw new Error('boom')`,
  loop: `let n = 0; while (n >= 0) { n = (n + 1) % 7 }`,
  heap: `const hog: number[][] = []; for (;;) { hog.push(new Array(1 << 16).fill(7)) }`,
  stack: `const deep = (n: number): number => deep(n + 1) + 1; deep(0)`,
  promise: `return Promise.resolve(0) as any`,
  process: `(process as any).exit(1)`,
  require: `(require as any)(['node', 'fs'].join(':'))`,
  codegen: `Function('return 1')()`,
} as const

type Failure = keyof typeof SNIPPETS

/** What each failure must end in. */
const EXPECTED: Record<Failure, { names: string[]; message: RegExp }> = {
  exception: { names: ['KMODE_EXCEPTION_NOT_HANDLED', 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED'], message: /Error: boom/ },
  loop: { names: ['DPC_WATCHDOG_VIOLATION', 'THREAD_STUCK_IN_DEVICE_DRIVER'], message: /did not return within 300 ms of wall time in the loop at test\/drivers\/failing\.ts/ },
  heap: { names: ['MEMORY_MANAGEMENT'], message: /is exhausting the sandbox's memory in the loop at test\/drivers\/failing\.ts:\d+ \(over 75% of the heap limit\)/ },
  stack: { names: ['UNEXPECTED_KERNEL_MODE_TRAP'], message: /stack overflow/ },
  promise: { names: ['DRIVER_VERIFIER_DETECTED_VIOLATION'], message: /returned a Promise/ },
  process: { names: ['KMODE_EXCEPTION_NOT_HANDLED', 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED'], message: /process is not defined \(drivers run in a sandbox without Node/ },
  require: { names: ['KMODE_EXCEPTION_NOT_HANDLED', 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED'], message: /a driver can import only 'strmini' and 'vcap1' and its own files, not 'node:fs'/ },
  codegen: { names: ['KMODE_EXCEPTION_NOT_HANDLED', 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED'], message: /EvalError: Code generation from strings disallowed.*\(the sandbox does not allow eval/ },
}

const FAIL = '/*FAIL*/'
const PAUSED_READ: Step[] = [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }, { op: 'read', stream: 0, buffers: 1 }, { op: 'wait', duration: '1ms' }]

/** Each callback kind: the driver (with FAIL where the failure goes, on the function's own line), the steps that reach it, and its name. */
const KINDS: Record<string, { source: string; steps: Step[]; callback: string; card?: 'stub'; settings?: Record<string, number> }> = {
  DriverEntry: {
    source: `import * as S from 'strmini'\nimport { defineDriver } from './base'\nconst entry = defineDriver({})\nexport function DriverEntry(d: unknown, r: unknown): number { ${FAIL}; return entry(d, r) }\nvoid S\n`,
    steps: START,
    callback: 'DriverEntry',
  },
  HwReceivePacket: {
    source: probe(`initData: { HwReceivePacket: function DevicePacket(srb: any) { ${FAIL}; srb.Status = 0 } } as any,`),
    steps: START,
    callback: 'DevicePacket',
  },
  ReceiveControlPacket: {
    source: probe(`open: (stream) => { stream.ReceiveControlPacket = function StreamControl(srb: any) { ${FAIL}; srb.Status = 0 } as any },`),
    steps: [...START, { op: 'get-state', stream: 0 }],
    callback: 'StreamControl',
  },
  ReceiveDataPacket: {
    source: probe(`open: (stream) => { stream.ReceiveDataPacket = function StreamData(srb: any) { ${FAIL}; srb.Status = 0 } as any },`),
    steps: PAUSED_READ,
    callback: 'StreamData',
  },
  HwCancelPacket: {
    source: probe(`initData: { HwCancelPacket: function CancelRead(srb: any) { ${FAIL}; void srb } } as any,`),
    steps: [...PAUSED_READ, { op: 'cancel', stream: 0 }, { op: 'wait', duration: '1ms' }],
    callback: 'CancelRead',
  },
  HwRequestTimeoutHandler: {
    source: probe(`initData: { HwRequestTimeoutHandler: function ReadTimedOut(srb: any) { ${FAIL}; void srb } } as any,`),
    steps: [...PAUSED_READ, { op: 'wait', duration: '3s' }],
    callback: 'ReadTimedOut',
    settings: { dataTimeoutSeconds: 1 },
  },
  HwInterrupt: {
    source: probe(
      `isr: function CardIsr(ext: any) { ${FAIL}; S.WRITE_REGISTER_ULONG(base + 4, 1); return true } as any,
      device: (srb) => { if (srb.Command === S.SRB_INITIALIZE_DEVICE) { base = srb.CommandData.ConfigInfo.AccessRanges[0].RangeStart; S.WRITE_REGISTER_ULONG(base + 8, 1) } return false },`,
      'let base = 0',
    ),
    steps: [...START, { op: 'fault', fault: 'interrupt' }, { op: 'wait', duration: '1ms' }],
    callback: 'CardIsr',
    card: 'stub',
  },
  TimerRoutine: {
    source: probe(`device: (srb) => { if (srb.Command === S.SRB_INITIALIZATION_COMPLETE) S.StreamClassScheduleTimer(null, srb.HwDeviceExtension, 1000, function TimerFired(c: any) { ${FAIL}; void c } as any, null); return false },`),
    steps: [...START, { op: 'wait', duration: '10ms' }],
    callback: 'TimerFired',
  },
  PriorityRoutine: {
    source: probe(`device: (srb) => { if (srb.Command === S.SRB_INITIALIZATION_COMPLETE) S.StreamClassCallAtNewPriority(null, srb.HwDeviceExtension, S.Low, function AtLow(c: any) { ${FAIL}; void c } as any, null); return false },`),
    steps: [...START, { op: 'wait', duration: '10ms' }],
    callback: 'AtLow',
  },
  StrMiniClock: {
    source: probe(`
      open: (stream) => {
        stream.HwClockObject.HwClockFunction = function ReadClock(ctx: any) { ${FAIL}; ctx.Time = 1 } as any
        stream.HwClockObject.ClockSupportFlags = S.CLOCK_SUPPORT_CAN_RETURN_STREAM_TIME
      },
      control: (srb) => {
        if (srb.Command !== S.SRB_INDICATE_MASTER_CLOCK) return false
        const t = { HwDeviceExtension: srb.HwDeviceExtension, HwStreamObject: srb.StreamObject, Function: S.TIME_GET_STREAM_TIME, Time: 0, SystemTime: 0 }
        S.StreamClassQueryMasterClockSync(srb.CommandData.MasterClockHandle, t)
        srb.Status = S.STATUS_SUCCESS
        completeControl(srb)
        return true
      },`),
    steps: [...START, { op: 'open-master-clock', stream: 0 }, { op: 'indicate-master-clock', stream: 0, clock: { stream: 0 } }],
    callback: 'ReadClock',
  },
  StrMiniEvent: {
    source: probe(`
      streamInfo: (info) => {
        info.NumStreamEventArrayEntries = 1
        info.StreamEventsArray = [{ Set: S.KSEVENTSETID_Connection, EventsCount: 1, EventItem: [{ EventId: S.KSEVENT_CONNECTION_ENDOFSTREAM, DataInput: 8, ExtraEntryData: 0 }] }]
      },
      open: (stream) => { stream.HwEventRoutine = function EventRoutine(d: any) { ${FAIL}; void d; return S.STATUS_SUCCESS } as any },`),
    steps: [...START, { op: 'enable-event', stream: 0, set: 'KSEVENTSETID_Connection', id: 'KSEVENT_CONNECTION_ENDOFSTREAM', name: 'eos' }],
    callback: 'EventRoutine',
  },
}

const sandbox = new Sandbox({ heapMb: 64, loopBudgetMs: 300, backstopMs: 2000 })
afterAll(() => sandbox.close())

async function run(source: string, steps: Step[], options: { card?: 'stub'; settings?: Record<string, number> } = {}): Promise<RunReport> {
  const driver = await compile(source, 'failing')
  const scenario: Scenario = { name: 'failing', device: { card: options.card ?? 'none' }, steps: steps as Scenario['steps'] }
  const { report, trace } = await sandbox.run({ driver, scenario, timeLimitNs: 10e9, settings: options.settings as never }).result
  // The trace up to the failure is kept: every row the run recorded reached the host.
  expect(trace.count).toBe(report.traceEvents)
  if (steps !== START || report.bugcheck?.callback !== 'DriverEntry') expect(trace.count).toBeGreaterThan(0)
  return report
}

/** After every failure: a healthy run on the same sandbox host passes. */
async function healthyRunPasses(): Promise<void> {
  const report = await run(probe(''), START)
  expect(report.failures).toEqual([])
  expect(report.bugcheck).toBeNull()
}

describe('sandbox: every failure in every callback is a bug check at the line, and the host lives on', () => {
  for (const [kind, k] of Object.entries(KINDS)) {
    for (const failure of Object.keys(SNIPPETS) as Failure[]) {
      it(`${failure} in ${kind}`, async () => {
        const source = k.source.replace(FAIL, SNIPPETS[failure])
        const line = source.split('\n').findIndex((l) => l.includes(SNIPPETS[failure])) + 1
        const report = await run(source, k.steps, k)
        const expected = EXPECTED[failure]
        expect(report.bugcheck, `${failure} in ${kind}: ${report.failures.join('; ')}`).not.toBeNull()
        expect(expected.names).toContain(report.bugcheck!.name)
        expect(report.bugcheck!.message).toMatch(expected.message)
        expect(report.bugcheck!.callback).toBe(k.callback)
        expect(report.bugcheck!.location).toMatchObject({ file: 'test/drivers/failing.ts', line })
        expect(report.exitCode).toBe(1)
        await healthyRunPasses()
      })
    }
  }
})

describe('sandbox: the host side', () => {
  it('cuts short a slice that never yields (a loop no guard sees: catastrophic regex backtracking) and names the callback', async () => {
    const local = new Sandbox({ loopBudgetMs: 300, backstopMs: 800 })
    try {
      const source = probe(`control: (srb) => { if (srb.Command !== S.SRB_GET_STREAM_STATE) return false; return /^(a+)+$/.test('a'.repeat(40) + '!') },`)
      const driver = await compile(source, 'failing')
      const scenario: Scenario = { name: 'regex', device: { card: 'none' }, steps: [...START, { op: 'get-state', stream: 0 }] }
      const { report, trace } = await local.run({ driver, scenario, timeLimitNs: 10e9 }).result
      expect(report.bugcheck).toMatchObject({ name: 'DPC_WATCHDOG_VIOLATION', callback: 'ControlPacket' })
      expect(report.bugcheck!.message).toMatch(/did not yield for 800 ms of wall time/)
      // The trace up to the failure is kept.
      expect(trace.count).toBeGreaterThan(20)
    } finally {
      await local.close()
    }
  })

  it('keeps its worker across healthy runs and starts a fresh one only after a bug check', async () => {
    const local = new Sandbox({ heapMb: 64, loopBudgetMs: 300 })
    try {
      const healthy = await compile(probe(''), 'failing')
      const crashing = await compile(probe(`control: (srb) => { if (srb.Command === S.SRB_GET_STREAM_STATE) throw new Error('x'); return false },`), 'failing')
      const scenario = (steps: Step[]): Scenario => ({ name: 'w', device: { card: 'none' }, steps: steps as Scenario['steps'] })
      await local.run({ driver: healthy, scenario: scenario(START), timeLimitNs: 1e9 }).result
      await local.run({ driver: healthy, scenario: scenario(START), timeLimitNs: 1e9 }).result
      expect(local.workersStarted).toBe(1)
      const failed = await local.run({ driver: crashing, scenario: scenario([...START, { op: 'get-state', stream: 0 }]), timeLimitNs: 1e9 }).result
      expect(failed.report.bugcheck).not.toBeNull()
      const after = await local.run({ driver: healthy, scenario: scenario(START), timeLimitNs: 1e9 }).result
      expect(after.report.failures).toEqual([])
      expect(local.workersStarted).toBe(2)
    } finally {
      await local.close()
    }
  })

  it('runs the code it is given on a kept worker: an edited driver, then the earlier one again', async () => {
    const local = new Sandbox({ heapMb: 64, loopBudgetMs: 300 })
    try {
      // The worker keeps the last run's driver compiled; a rerun of other code must not get the old one.
      const quiet = await compile(probe(''), 'failing')
      const printing = await compile(probe(`control: (srb) => { if (srb.Command === S.SRB_GET_STREAM_STATE) S.DbgPrint('edited %d\\n', 1); return false },`), 'failing')
      const scenario: Scenario = { name: 'w', device: { card: 'none' }, steps: [...START, { op: 'get-state', stream: 0 }] as Scenario['steps'] }
      const first = await local.run({ driver: quiet, scenario, timeLimitNs: 1e9 }).result
      const edited = await local.run({ driver: printing, scenario, timeLimitNs: 1e9 }).result
      const again = await local.run({ driver: quiet, scenario, timeLimitNs: 1e9 }).result
      expect(local.workersStarted).toBe(1)
      expect(again.report).toMatchObject({ result: first.report.result, traceEvents: first.report.traceEvents })
      expect(first.report.debugOutput).toEqual([])
      expect(JSON.stringify(edited.report)).toContain('edited 1')
      expect(JSON.stringify(again.report)).not.toContain('edited 1')
    } finally {
      await local.close()
    }
  })

  it('a literal require of a Node module is a compile error at its line, not a run', async () => {
    await expect(compile(`import * as S from 'strmini'\nexport function DriverEntry() { return require('node:fs') }\nvoid S\n`, 'failing')).rejects.toThrow(/test\/drivers\/failing\.ts:2:\d+: .*node:fs/)
  })
})
