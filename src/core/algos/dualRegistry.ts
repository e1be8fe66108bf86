// The dual-V family's registry entries in one import (registry.ts gets one line): XQL, f-DVL, ReCOIL.
export { xql } from './xql';
export { fdvl } from './fdvl';
export { recoil } from './recoil';
