// Today's link (env, dataset, algorithm, backend, changed values) is the form part of the lab link; the codec
// lives in core/experiments/labLink.ts. These names stay for the page's current callers.
export { changedValues, decodeUrlState, encodeUrlState, schemaOf, type UrlState } from '../../core/experiments/labLink';
