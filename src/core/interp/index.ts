export { runProgram, runProgramValues, evalOp } from './reference';
export { runSpmd, type SpmdRun } from './spmd';
export { randomInputs, verifySpmd, type VerifyResult, interpretCost, checkInterpretable, INTERPRET_LIMIT } from './verify';
