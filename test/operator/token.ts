/** The operator's shared NemoVideo token in the `operator` test project; the emulator is told to accept it. */
export const OPERATOR_TOKEN = "nmv_usr_operatorTestTokenForPromptReelSharedAccount000000";
