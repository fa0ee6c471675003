import './base.css';
import './ml.css';
import './automl.css';
import './modelhub.css';
