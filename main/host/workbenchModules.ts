import * as strmini from '../classdriver/strmini.js'
import * as vcap1 from '../hw/vcap1/driverApi.js'

/** The modules a driver may import by name, as the objects its script receives (no Node dependency). */
export const WORKBENCH_MODULE_OBJECTS: Record<string, Record<string, unknown>> = { strmini, vcap1 }
