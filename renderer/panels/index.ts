/**
 * The inspector panels, in the order the side panel shows them. Each takes PanelProps and may emit
 * `jump` (a virtual time) and `reveal` (a source location); see README.md.
 */
import type { Component } from 'vue'
import ExportPanel from './ExportPanel.vue'
import FaultsPanel from './FaultsPanel.vue'
import FramePanel from './FramePanel.vue'
import MemoryPanel from './MemoryPanel.vue'
import RegistersPanel from './RegistersPanel.vue'
import RingsPanel from './RingsPanel.vue'

export type { PanelEmits, PanelProps } from './panelProps.js'
export { ExportPanel, FaultsPanel, FramePanel, MemoryPanel, RegistersPanel, RingsPanel }

export interface PanelEntry {
  /** Stable id (tab test ids, saved layout). */
  id: 'frame' | 'registers' | 'rings' | 'memory' | 'faults' | 'export'
  title: string
  component: Component
}

export const PANELS: readonly PanelEntry[] = [
  { id: 'frame', title: 'Frame', component: FramePanel },
  { id: 'registers', title: 'Registers', component: RegistersPanel },
  { id: 'rings', title: 'Rings', component: RingsPanel },
  { id: 'memory', title: 'Memory', component: MemoryPanel },
  { id: 'faults', title: 'Faults', component: FaultsPanel },
  { id: 'export', title: 'Export', component: ExportPanel },
]
