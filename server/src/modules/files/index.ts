export { DEFAULT_FILE_LIMITS, type FileLimits } from './receive';
export {
  FileService,
  type DuplicateRef,
  type FileServiceDeps,
  type OwnerKind,
  type OwnerTypeSpec,
  type PublicFile,
  type ReplaceArgs,
  type UploadArgs,
} from './fileService';
export { FILE_TYPES, detectType, type FileType } from './fileTypes';
export { checkFileName, storedName, MAX_NAME_LENGTH } from './names';
