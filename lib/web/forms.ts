/** Telling an HTML form post (answered with a redirect) from an API call (answered with JSON). */

/** Whether a request body is an HTML form (urlencoded or multipart). */
export function isFormPost(contentType: string | undefined): boolean {
  const type = contentType ?? "";
  return type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data");
}
