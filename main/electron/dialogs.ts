import { BrowserWindow, dialog } from 'electron'

const TITLES = { open: 'Open Project Folder', new: 'Folder for the New Project', 'save-as': 'Save Project As' } as const

/** The native folder picker behind BackendApi.chooseFolder; null when cancelled. */
export async function chooseFolder(purpose: 'open' | 'new' | 'save-as'): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: TITLES[purpose],
    properties: purpose === 'open' ? ['openDirectory'] : ['openDirectory', 'createDirectory', 'promptToCreate'],
  }
  const parent = BrowserWindow.getFocusedWindow()
  const result = parent === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(parent, options)
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
}
