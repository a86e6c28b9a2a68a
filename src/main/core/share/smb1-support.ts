/**
 * Whether the agent's own read-only SMB1 (NT LM 0.12) client is built in. The diagnosis words its
 * advice on an SMB1-only server by it: with the client, the PC's SMB1 feature can stay off.
 */
export const SMB1_CLIENT_AVAILABLE = true;
