/** The editorial tables' rows, as both database adapters read them (../editorial-rows.ts). */
export * from '../editorial-rows.js';
