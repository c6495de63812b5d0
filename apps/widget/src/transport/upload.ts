import { isUpload, type WidgetUpload } from './guards.js';
import { ApiError, toApiError } from './http.js';

/**
 * `POST /widget/api/uploads` with XMLHttpRequest rather than fetch: fetch cannot report
 * upload progress, and a visitor sending a photo over a phone connection wants to see it move.
 */
export function uploadFile(
  base: string,
  token: string | null,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<WidgetUpload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${base}/uploads`);
    if (token !== null) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => {
      reject(new ApiError(0, 'network', 'The upload failed: check your connection'));
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON (a proxy's error page): reported below by status.
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(toApiError(xhr.status, body));
      } else if (isUpload(body)) {
        onProgress(1);
        resolve(body);
      } else {
        reject(new ApiError(xhr.status, 'bad_response', 'The upload failed'));
      }
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
