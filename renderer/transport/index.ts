export { connect, transportKind, type TransportKind } from './connect'
export type { BackendClient } from '../../main/contract/rpc.js'
