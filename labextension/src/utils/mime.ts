/** The mime type of Vega-Lite v5 specifications, rendered by JupyterLab's vega5 extension. */
export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';
