// The timeline's colours and font (VS Code Dark Modern), shared by every part of a frame and by tests
// that tell drawn things apart by their style.

export const THEME = {
  background: '#1e1e1e',
  gutter: '#252526',
  header: '#2d2d30',
  headerText: '#cccccc',
  trackText: '#c8c8c8',
  separator: '#333337',
  grid: '#2f2f33',
  axis: '#252526',
  axisText: '#a0a0a0',
  label: '#1b1b1b',
  tick: 'rgba(255,255,255,0.85)',
  counterLine: '#4fc1ff',
  counterArea: 'rgba(79,193,255,0.22)',
  counterText: '#8fb8d0',
  flow: 'rgba(220,220,220,0.55)',
  flowSelected: '#ffcc00',
  selection: '#ffffff',
  cursor: '#ffcc00',
  hover: 'rgba(255,255,255,0.35)',
} as const

export const FONT = '11px system-ui, sans-serif'
