/** Links between the scoring pages; every one carries the token it was opened with (same signature, same round). */
const query = (params: Record<string, string | number>): string => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

export const sheetsUrl = (token: string, roundId: number): string => `/h5/scoring/sheets?${query({ t: token, r: roundId })}`;
export const sheetUrl = (token: string, roundId: number, branchId: number): string => `/h5/scoring/sheet?${query({ t: token, r: roundId, b: branchId })}`;
