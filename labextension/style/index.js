import './base.css';
import './ml.css';
import './modelhub.css';
