import './base.css';
import './ml.css';
import './automl.css';
import './modelhub.css';
import '@xyflow/react/dist/style.css';
import './wrangler.css';
import './processing.css';
