export type { CaptureStore, CaptureRecord, CaptureListItem, NodeSummary, NodeUpload } from './types';
export { NotFoundError } from './types';
export { DiskStore, newCaptureId } from './disk-store';
