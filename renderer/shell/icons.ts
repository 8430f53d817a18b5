/**
 * Icons: glyphs of the codicon font that Monaco's stylesheet already loads (VS Code's icons), by
 * code point (monaco-editor/esm/vs/base/common/codiconsLibrary.js).
 */
export const ICONS = {
  add: 0xea60,
  arrowDown: 0xea9a,
  arrowUp: 0xeaa1,
  circleFilled: 0xea71,
  close: 0xea76,
  compare: 0xeafd,
  continue: 0xeacf,
  error: 0xea87,
  file: 0xea7b,
  fileCode: 0xeae9,
  folderOpened: 0xeaf7,
  gear: 0xeaf8,
  info: 0xea74,
  json: 0xeb0f,
  keyboard: 0xea65,
  newFile: 0xea7f,
  pause: 0xead1,
  pulse: 0xeb31,
  run: 0xead3,
  save: 0xeb4b,
  saveAll: 0xeb49,
  saveAs: 0xeb4a,
  screenFull: 0xeb4c,
  search: 0xea6d,
  stepOver: 0xead6,
  stop: 0xead7,
  warning: 0xea6c,
  workspaceUntrusted: 0xebc2,
} as const

export type IconName = keyof typeof ICONS
