// The page's entry: the store, the app, then the connection to the backend (Electron's port or web
// mode's WebSocket, chosen by renderer/transport). The page shows at once and says "connecting…"
// until the backend answers.
import { createApp } from 'vue'
import App from './App.vue'
import { createWorkbench } from './state/workbench.js'
import { connect } from './transport/index.js'
import './styles/theme.css'

const workbench = createWorkbench()
createApp(App, { workbench }).mount('#app')

connect().then(
  (client) => workbench.attach(client),
  (error: unknown) => workbench.connectFailed(error instanceof Error ? error.message : String(error)),
)
