// Runs sandboxed in every window before the page. Bundled into one file (scripts/build.mjs):
// a sandboxed preload can require only 'electron' and a few Node built-ins, no relative modules.
import { contextBridge, ipcRenderer } from 'electron';
import { createHisUpdateApi } from './preload-api';

contextBridge.exposeInMainWorld('hisUpdate', createHisUpdateApi(ipcRenderer));
