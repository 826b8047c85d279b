/** Node ids of the graph view (shared by the layout and the search). */
export const opNodeId = (opId: number): string => `op:${opId}`;
export const inputNodeId = (valueId: number): string => `in:${valueId}`;
export const groupNodeId = (scope: string): string => `g:${scope}`;
