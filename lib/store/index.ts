export type { CaptureStore, CaptureRecord, CaptureListItem, NewSource, NodeSummary, SourceSummary, SourceUpload, TokenRecord } from './types';
export { NotFoundError } from './types';
export { DiskStore } from './disk-store';
export { newCaptureId } from './records';
